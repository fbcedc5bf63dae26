"""Mail: the digest and confirmation messages, signed links, the outbox sender over SMTP."""
