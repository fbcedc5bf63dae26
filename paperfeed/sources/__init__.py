"""Upstream formats, one module each. Every source yields PaperRecord or BadRecord and knows nothing of the store."""
