"""Figure 9, nothing heavy stalls anyone: anonymous clients downloading every heavy public
resource at once — the compendium as PDF, .docx and HTML, the portal's pages, its feed, the
ledger's checkpoint — beside an authenticated light call (`GET /api/v1/me`) made one at a time,
against the stack as `huiqi serve` runs it (SQLite, rate limits off: the figure is about the
gateway's hub, not its limits).

The stack is given policies in force and a compendium edition first, and every resource is
fetched once (its first rendering) before the light call is timed idle; then the downloads run
from a process of their own (so their client threads do not share the prober's interpreter) while
the light call is timed again. Reported: the light call's p50 and p95 idle and under load, their
ratio (target: p95 under load within 2× idle), and the downloads' rate and bytes.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import time

import requests

from bench.endtoend import stack_env, start_stack
from bench.load import Outcome, drive
from bench.table import Row

MB = 2**20
UNIT = "zhanggong"   # a county: known to every service without a registration
CONTACT = {"unit": "章贡区财政局", "person": "刘洋", "phone": "0797-8123456",
           "email": "czj@zhanggong.example.cn"}
HEAVY = ("/portal/compendium.pdf", "/portal/compendium.docx", "/portal/compendium.html",
         "/portal", "/portal/compendium", "/portal/contact-sheet", "/portal/rules",
         "/portal/feed.atom", "/portal/api/compendium", "/api/v1/audit/checkpoint")


def seed(base: str, office: str, count: int) -> str:
    """`count` policies in force, a checkpoint of the ledger and a compendium edition; the
    path of one policy's page."""
    headers = {"Authorization": f"Bearer {office}"}

    def post(path: str, body: dict | None = None, expect=(200, 201)) -> dict:
        answer = requests.post(f"{base}/api/v1{path}", json=body or {}, headers=headers,
                               timeout=60)
        if answer.status_code not in expect:
            raise RuntimeError(f"POST {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    today = dt.date.today().isoformat()
    first = None
    for n in range(count):
        drafted = post("/policies", {
            "issuing_unit": UNIT, "title": f"关于降低企业成本的若干措施（第{n + 1}号）",
            "document_number": f"章府发〔2026〕{n + 1}号", "level": "county",
            "cost_category": ("tax_and_fees", "financing", "labour", "logistics")[n % 4],
            "summary": "对符合条件的企业给予贴息、补助和减免。" * 3, "effective_from": today,
            "full_text": "\n".join(f"第{k}条 对符合条件的中小微企业给予第{k}项支持，"
                                   "按季度申报，经审核后拨付。" for k in range(1, 40))})
        post(f"/policies/{drafted['id']}/set-contact", CONTACT)
        post(f"/policies/{drafted['id']}/publish")
        first = first or drafted["id"]
    post("/compendium")
    deadline = time.monotonic() + 60
    while True:   # the ledger takes the policy's events in over the broker
        try:
            post("/audit/checkpoints")
            break
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return f"/portal/policies/{first}"


def fetch_all(base: str, paths: tuple[str, ...]) -> int:
    total = 0
    for path in paths:
        answer = requests.get(f"{base}{path}", timeout=120)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:300]}")
        total += len(answer.content)
    return total


def downloads(base: str, paths: tuple[str, ...], count: int, clients: int, results) -> None:
    """In a process of its own: `count` anonymous GETs over `paths` at `clients` at once."""
    sizes = []
    sessions = {}

    def setup(client: int) -> None:
        sessions[client] = requests.Session()

    def job(client: int, n: int) -> None:
        answer = sessions[client].get(f"{base}{paths[(n + client) % len(paths)]}", timeout=120)
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.status_code}: {answer.text[:200]}")
        sizes.append(len(answer.content))

    outcome = drive(job, count, clients, setup)
    results.put((outcome.done, outcome.failed, outcome.seconds, sum(sizes), outcome.errors))


def light(base: str, token: str, count: int | None = None, until=None) -> Outcome:
    """`GET /api/v1/me`, one at a time: `count` calls, or until `until()` and at least 10."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    latencies, errors = [], []
    started = time.perf_counter()
    while (len(latencies) < count) if count else (not until() or len(latencies) < 10):
        began = time.perf_counter()
        answer = session.get(f"{base}/api/v1/me", headers=headers, timeout=120)
        if answer.status_code != 200:
            errors.append(f"{answer.status_code}")
            continue
        latencies.append(time.perf_counter() - began)
    return Outcome(len(latencies), time.perf_counter() - started, latencies, errors[:5],
                   len(errors))


def run(borrowed, counts: dict) -> list[Row]:
    from gateway.auth import mint

    env, _urls = stack_env(borrowed, postgres=False)
    env["HUIQI_RATE_LIMITS"] = "off"
    clients, count = counts["heavy_clients"], counts["heavy_downloads"]
    with start_stack(env, borrowed.directory("heavy-logs")):
        base = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
        page = seed(base, mint("bench-office", "office"), counts["heavy_policies"])
        paths = (*HEAVY, page)
        fetch_all(base, paths)   # each rendered once, as after the first reader
        token = mint("bench-enterprise", "enterprise", uscc="91360702MA35G0QX4J")
        light(base, token, 20)
        idle = light(base, token, counts["heavy_light_calls"])
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        load = context.Process(target=downloads, args=(base, paths, count, clients, results))
        load.start()
        time.sleep(0.5)   # the clients under way before the light call is timed
        loaded = light(base, token, until=lambda: not load.is_alive() or not results.empty())
        done, failed, seconds, size, errors = results.get(timeout=600)
        load.join(timeout=60)
    if failed:
        raise RuntimeError(f"{failed} of {count} downloads failed, e.g. {errors}")
    setting = f"SQLite, {clients} anonymous clients, {done:,} downloads of {len(paths)} resources"
    peer = "the same call, idle"
    return [
        Row("9 GET /api/v1/me under heavy downloads, p50", setting,
            1000 * loaded.percentile(50), "ms", peer, 1000 * idle.percentile(50),
            lower_is_better=True),
        Row("9 GET /api/v1/me under heavy downloads, p95", setting,
            1000 * loaded.percentile(95), "ms", peer, 1000 * idle.percentile(95),
            target="within 2× idle (≥ 0.50×)", lower_is_better=True),
        Row("9 heavy downloads", setting, done / seconds if seconds else 0.0, "req/s",
            target="none failed"),
        Row("9 heavy downloads, bytes", setting, size / MB / seconds if seconds else 0.0,
            "MB/s"),
    ]
