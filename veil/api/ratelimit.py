"""Per-key request rate limits: a token bucket per key (capacity = the key's requests per minute, refilled
continuously), in the server's memory."""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill)

    def take(self, key: str, per_minute: int) -> float:
        """Take a token; returns 0 if allowed, else the seconds to wait (for Retry-After)."""
        now = time.monotonic()
        rate = per_minute / 60
        with self._lock:
            tokens, last = self._buckets.get(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return max(math.ceil((1 - tokens) / rate), 1)
