from paperfeed.limits import RateLimiter


def test_a_flood_of_new_keys_never_resets_a_live_count():
    clock = [0.0]
    limiter = RateLimiter(3, 60, clock=lambda: clock[0], max_keys=10)
    for _ in range(3):
        assert limiter.hit("victim-or-attacker").allowed
    assert not limiter.hit("victim-or-attacker").allowed
    for n in range(1000):  # distinct keys, as random tokens would be
        limiter.hit(f"k{n}")
    assert not limiter.hit("victim-or-attacker").allowed  # still counted
    assert len(limiter.windows) <= 11  # bounded: newcomers share one window
    clock[0] = 61.0
    assert limiter.hit("victim-or-attacker").allowed  # a new window, as always
