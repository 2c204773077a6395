"""The analytics API and dashboard against a real uvicorn server (`veil serve` in a subprocess) on
127.0.0.1, the real PostgreSQL with the shared warehouse exported and the default releases published, and a
real headless Chromium for the dashboard."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, veil_server

ARTIFACTS = ROOT / ".pytest-warehouse" / "artifacts"


@pytest.fixture(scope="module")
def published(spark, warehouse, pg_url):
    import secrets

    from veil.jobs import publish

    return publish(spark, f"api-tests-{secrets.token_hex(4)}")  # this session's warehouse is a new dataset


@pytest.fixture(scope="module")
def server(published, pg_url):
    with veil_server(pg_url) as base:
        yield base


def _key(analyst: str, budget: float, rate: int = 600) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "veil.cli", "api-key", "create", "--analyst", analyst, "--budget", str(budget),
         "--rate", str(rate)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def dates(pg_url):
    import psycopg

    with psycopg.connect(pg_url) as conn:
        lo, hi = conn.execute("select min(event_date), max(event_date) from dp_query.dp_query_user_days").fetchone()
    return lo, hi


def _query(dates, **extra) -> dict:
    lo, hi = dates
    start = max(lo, hi - dt.timedelta(days=27))
    return {"metrics": ["active_users"], "dimensions": ["week"], "date_range": [str(start), str(hi)], **extra}


def test_health_releases_and_docs(server, published):
    import httpx

    assert httpx.get(f"{server}/api/v1/health").json() == {"status": "ok"}
    releases = {r["name"]: r for r in httpx.get(f"{server}/api/v1/releases").json()}
    assert {"daily_active_users_by_country", "funnel_steps", "retention_matrix", "rpt_users_k_anonymous"} <= set(
        releases
    )
    funnel = releases["funnel_steps"]
    assert funnel["epsilon"] == 1.0 and funnel["mechanism"] == "laplace" and funnel["rows"] == 3
    rows = httpx.get(f"{server}/api/v1/releases/funnel_steps").json()["rows_data"]
    assert {r["step"] for r in rows} == {"page_view", "add_to_cart", "purchase"}
    for r in rows:
        assert r["value"]["ci_low"] <= r["value"]["value"] <= r["value"]["ci_high"]
    csv = httpx.get(f"{server}/api/v1/releases/funnel_steps?format=csv").text.splitlines()
    assert {"step", "value", "ci_low", "ci_high"} <= set(csv[0].split(",")) and len(csv) == 4
    assert httpx.get(f"{server}/api/v1/releases/nope").status_code == 404
    docs = httpx.get(f"{server}/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert httpx.get(f"{server}/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert "/api/v1/query" in httpx.get(f"{server}/openapi.json").json()["paths"]


def test_auth_and_validation_errors(server, dates):
    import httpx

    assert httpx.post(f"{server}/api/v1/query", json=_query(dates)).status_code == 401
    bad = httpx.post(f"{server}/api/v1/query", json=_query(dates), headers={"Authorization": "Bearer veil_x_y"})
    assert bad.status_code == 401 and bad.json()["error"] == "unauthorized"
    auth = {"Authorization": f"Bearer {_key('validation', 1.0)}"}
    r = httpx.post(f"{server}/api/v1/query", json=_query(dates, metrics=["nope"]), headers=auth)
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("metrics")
    r = httpx.post(f"{server}/api/v1/query", json=_query(dates, metrics=["revenue"], dimensions=["page"]), headers=auth)
    assert r.status_code == 422 and r.json()["field"] == "metrics"
    r = httpx.post(f"{server}/api/v1/query", json={**_query(dates), "date_range": ["2026-02-30", "x"]}, headers=auth)
    assert r.status_code == 422 and "date_range" in r.json()["message"]


def test_budget_charged_once_cached_identical_dry_run_free(server, dates, pg_url):
    import httpx
    import psycopg

    token = _key("budget", 1.0)
    auth = {"Authorization": f"Bearer {token}"}
    dry = httpx.post(f"{server}/api/v1/query", json=_query(dates, epsilon=0.4, dry_run=True), headers=auth).json()
    assert dry["privacy"]["epsilon_cost"] == 0.4 and dry["privacy"]["epsilon_spent"] == 0 and dry["results"] == []
    assert httpx.get(f"{server}/api/v1/budget", headers=auth).json()["spent"] == 0
    first = httpx.post(f"{server}/api/v1/query", json=_query(dates, epsilon=0.4), headers=auth).json()
    assert first["privacy"]["epsilon_spent"] == 0.4 and first["privacy"]["epsilon_remaining"] == pytest.approx(0.6)
    assert first["results"] and all(
        {"value", "ci_low", "ci_high"} <= set(r["metrics"]["active_users"]) for r in first["results"]
    )
    again = httpx.post(f"{server}/api/v1/query", json=_query(dates, epsilon=0.4), headers=auth).json()
    assert again["results"] == first["results"] and again["privacy"]["epsilon_spent"] == 0
    second = httpx.post(f"{server}/api/v1/query", json=_query(dates, epsilon=0.4, metrics=["events"]), headers=auth)
    assert second.status_code == 200
    over = httpx.post(f"{server}/api/v1/query", json=_query(dates, epsilon=0.4, metrics=["conversions"]), headers=auth)
    assert over.status_code == 403 and over.json()["epsilon_remaining"] == pytest.approx(0.2)
    budget = httpx.get(f"{server}/api/v1/budget", headers=auth).json()
    assert budget["limit"] == 1.0 and budget["spent"] == pytest.approx(0.8) and len(budget["ledger"]) == 2
    with psycopg.connect(pg_url) as conn:
        shapes = conn.execute(
            "select details from audit.trail where action = 'api_query' and details->>'key_id' = %s",
            (budget["key_id"],),
        ).fetchall()
    assert len(shapes) == 4  # dry run, first, cached, second (the refused one is not an answer)
    assert all("results" not in json.dumps(d) and "value" not in d for (d,) in shapes)


def test_twenty_concurrent_requests_on_one_key_never_double_spend(server, dates):
    import httpx

    token = _key("concurrent", 2.0)
    auth = {"Authorization": f"Bearer {token}"}
    # 10 distinct queries at 0.25 (2.5 > 2.0: two must be refused), each sent twice, all at once
    bodies = [_query(dates, epsilon=0.25, filters=[{"dimension": "device", "operator": "is_not", "value": f"d{i}"}])
              for i in range(10)] * 2  # fmt: skip

    def send(body: dict) -> httpx.Response:
        return httpx.post(f"{server}/api/v1/query", json=body, headers=auth, timeout=60)

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(send, bodies))
    assert sorted({r.status_code for r in responses}) == [200, 403]
    budget = httpx.get(f"{server}/api/v1/budget", headers=auth).json()
    assert budget["spent"] == pytest.approx(2.0) and len(budget["ledger"]) == 8
    by_body: dict[str, set] = {}
    for body, r in zip(bodies, responses, strict=True):
        if r.status_code == 200:
            by_body.setdefault(json.dumps(body, sort_keys=True), set()).add(
                json.dumps(r.json()["results"], sort_keys=True)
            )
    assert len(by_body) == 8 and all(len(answers) == 1 for answers in by_body.values())


def test_rate_limit_answers_429_with_retry_after(server):
    import httpx

    auth = {"Authorization": f"Bearer {_key('rate', 1.0, rate=3)}"}
    codes = [httpx.get(f"{server}/api/v1/budget", headers=auth) for _ in range(5)]
    assert [r.status_code for r in codes[:3]] == [200, 200, 200] and codes[3].status_code == 429
    assert int(codes[3].headers["Retry-After"]) >= 1 and codes[3].json()["error"] == "rate_limited"


def test_revoked_key_is_refused(server):
    import httpx

    token = _key("revoked", 1.0)
    key_id = token.split("_")[1]
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server}/api/v1/budget", headers=auth).status_code == 200
    subprocess.run([sys.executable, "-m", "veil.cli", "api-key", "revoke", key_id], cwd=ROOT, check=True)
    assert httpx.get(f"{server}/api/v1/budget", headers=auth).status_code == 401


def test_api_role_reads_no_pseudonymous_mart_and_answers_hold_no_pseudonym(server, dates, pg_url):
    import httpx
    import psycopg

    with psycopg.connect(pg_url) as conn:
        conn.execute("set role veil_api")
        for relation in ("analytics.dim_users", "analytics.fct_events", "analytics.rpt_partner_audience"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"select 1 from {relation} limit 1")
            conn.rollback()
            conn.execute("set role veil_api")
        assert conn.execute("select count(*) from dp_query.dp_query_user_days").fetchone()[0] > 0
        conn.rollback()
        conn.execute("set role veil_reader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select 1 from dp_query.dp_query_user_days limit 1")
        conn.rollback()
        keys = {k for (k,) in conn.execute("select user_key from analytics.dim_users limit 50").fetchall()}
    auth = {"Authorization": f"Bearer {_key('leak', 5.0)}"}
    body = _query(dates, dimensions=["country"], epsilon=2.0)
    text = httpx.post(f"{server}/api/v1/query", json=body, headers=auth).text
    text += httpx.get(f"{server}/api/v1/releases/rpt_users_k_anonymous").text
    assert not any(k in text for k in keys)


# --- the dashboard in a real headless Chromium ---------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip("Chromium is not installed: run `make install` (it installs chromium and chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,800"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _requests_and_errors(driver) -> tuple[set[str], list[str]]:
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return urls, errors


def _marks(driver, selector: str) -> int:
    return len(driver.find_elements("css selector", selector))


def _wait_for_marks(driver, selector: str, at_least: int, timeout: float = 30) -> int:
    """Charts are drawn by script after load: wait until they are, then count (fails with the count seen)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout).until(lambda d: _marks(d, selector) >= at_least)
    except TimeoutException:
        pass
    return _marks(driver, selector)


def _submit(driver, button_selector: str, timeout: float = 60) -> None:
    """Click a form's button and wait until the page it posts to has replaced this one and finished loading."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("tag name", "html")
    driver.find_element("css selector", button_selector).click()

    def replaced(_: object) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:  # chromedriver's answer when the page goes during the call
            if "does not belong to the document" not in str(exc):
                raise
            return True
        return False

    WebDriverWait(driver, timeout).until(replaced)
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_dashboard_pages_render_charts_without_errors_or_outside_requests(server, browser):
    expected = {
        "/": [("#active-users svg path.mark-line, #active-users svg g.mark-line path", 1),
              ("#funnel svg g.mark-rect path", 3)],
        "/retention": [("svg g.mark-rect path", 2)],
        "/privacy": [("#inventory table tbody tr", 2), ("#audit-status.ok", 1)],
        "/query": [("#query-form", 1)],
        "/stream": [("#stream-status tbody tr, p.empty", 1)],
        "/docs": [],
    }  # fmt: skip
    for path, checks in expected.items():
        browser.get(f"{server}{path}")
        for selector, at_least in checks:
            assert _wait_for_marks(browser, selector, at_least) >= at_least, (path, selector)
        if path == "/docs":
            _wait_for_marks(browser, ".swagger-ui .opblock", 1)
        urls, errors = _requests_and_errors(browser)
        assert errors == [], (path, errors)
        outside = {u for u in urls if not u.startswith(("http://127.0.0.1", "data:", "about:"))}
        assert outside == set(), (path, outside)
        browser.save_screenshot(str(ARTIFACTS / f"dashboard{path.replace('/', '_') or '_'}.png"))
    browser.set_window_size(390, 844)  # a phone
    browser.get(f"{server}/")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, width
    browser.save_screenshot(str(ARTIFACTS / "dashboard_phone.png"))
    browser.set_window_size(1280, 800)


def test_budget_gauge_changes_after_a_query(server, browser, dates):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    token = _key("dashboard", 3.0)
    browser.get(f"{server}/signin")
    browser.find_element(By.ID, "api_key").send_keys(token)
    _submit(browser, "form[action='/signin'] button")
    assert browser.current_url.endswith("/query")
    before = float(browser.find_element(By.ID, "budget-remaining").text)
    gauge_before = browser.find_element(By.CSS_SELECTOR, ".gauge svg").get_attribute("outerHTML")
    Select(browser.find_element(By.ID, "metric")).select_by_value("active_users")
    Select(browser.find_element(By.ID, "dimension")).select_by_value("date")
    lo, hi = dates
    for field, value in (("date_from", max(lo, hi - dt.timedelta(days=13))), ("date_to", hi)):
        browser.execute_script(f"document.getElementById('{field}').value = '{value}'")
    epsilon = browser.find_element(By.ID, "epsilon")
    epsilon.clear()
    epsilon.send_keys("0.5")
    _submit(browser, "#query-form button")
    after = float(browser.find_element(By.ID, "budget-remaining").text)
    assert after == pytest.approx(before - 0.5)
    assert browser.find_element(By.CSS_SELECTOR, ".gauge svg").get_attribute("outerHTML") != gauge_before
    assert _marks(browser, "#result table tbody tr") == 14
    assert _wait_for_marks(browser, "#result svg g.mark-line path, #result svg path.mark-line", 1) >= 1
    _, errors = _requests_and_errors(browser)
    assert errors == []
    browser.save_screenshot(str(ARTIFACTS / "dashboard_query.png"))
    assert isinstance(Path(ARTIFACTS / "dashboard_query.png").stat().st_size, int)
