"""Static catalogues for behaviour: devices and user agents, pages, products, search vocabulary."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from veil.warehouse.project import event_types

EVENT_TYPES = event_types()
"""vars.event_types of dbt_project.yml, also the order of a session's funnel stages: land, browse, search,
watch, cart, buy."""

DEVICES = ("desktop", "mobile", "tablet")

# (user agent, device index, os, browser)
USER_AGENTS = (
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        0,
        "Windows",
        "Chrome",
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 0, "Windows", "Firefox"),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        0,
        "Windows",
        "Edge",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        0,
        "macOS",
        "Safari",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        0,
        "macOS",
        "Chrome",
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 0, "Linux", "Firefox"),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        1,
        "iOS",
        "Safari",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
        1,
        "iOS",
        "Chrome",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
        1,
        "Android",
        "Chrome",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
        1,
        "Android",
        "Chrome",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
        1,
        "Android",
        "Samsung Internet",
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        2,
        "iPadOS",
        "Safari",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Safari/537.36",
        2,
        "Android",
        "Chrome",
    ),
)

REFERRERS = (
    None,
    None,
    None,
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://www.facebook.com/",
    "https://t.co/",
    "https://newsletter.example-shop.com/",
    "https://www.instagram.com/",
    "https://duckduckgo.com/",
)

SITE = "https://shop.example.com"
N_PRODUCTS = 5000
CATEGORIES = ("shoes", "jackets", "kitchen", "books", "garden", "toys", "audio", "cameras", "beauty", "sports")
STATIC_PAGES = ("/", "/", "/", "/sale", "/account", "/help", "/cart", "/wishlist", "/stores", "/blog")

_ADJ = (
    "red",
    "black",
    "cheap",
    "wireless",
    "leather",
    "organic",
    "kids",
    "waterproof",
    "vintage",
    "large",
    "small",
    "running",
    "winter",
    "summer",
    "gift",
    "bluetooth",
    "wool",
    "steel",
    "bamboo",
    "smart",
)
_NOUN = (
    "shoes",
    "jacket",
    "headphones",
    "kettle",
    "backpack",
    "lamp",
    "sofa",
    "camera",
    "watch",
    "dress",
    "boots",
    "mug",
    "desk",
    "charger",
    "tent",
    "blender",
    "novel",
    "puzzle",
    "bike",
    "speaker",
)
_EXTRA = ("", "", "", " sale", " size 42", " for men", " for women", " under 50", " best", " 2026")


def product_ids() -> pa.Array:
    return pa.array([f"P{i:06d}" for i in range(N_PRODUCTS)])


def page_urls() -> pa.Array:
    """Index 0..N_PRODUCTS-1: product pages; then categories; then static pages."""
    urls = [f"{SITE}/product/P{i:06d}" for i in range(N_PRODUCTS)]
    urls += [f"{SITE}/c/{c}" for c in CATEGORIES]
    urls += [f"{SITE}{p}" for p in STATIC_PAGES]
    return pa.array(urls)


def search_vocabulary() -> pa.Array:
    return pa.array([f"{a} {n}{e}" for e in _EXTRA for a in _ADJ for n in _NOUN])


def zipf_index(rng: np.random.Generator, n: int, size: int, a: float = 1.15) -> np.ndarray:
    """Popularity-skewed (Zipf) indices in [0, size): inverse-CDF lookup, much faster than rng.zipf."""
    cdf = np.cumsum(1.0 / np.arange(1, size + 1) ** a)
    return np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1]), size - 1)
