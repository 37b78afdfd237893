"""The service under load (issue 15): N question submissions per second for S seconds, on 127.0.0.1 only.

The server (uvicorn, one process, the real application and database) runs in a child
process so that the client does not share its interpreter. The client is open-loop: request
*i* is due at ``start + i/rate`` whatever happened before, and its latency is measured from
that due time to the end of the response (waiting for a free connection counts), so a slow
server cannot hide behind a slow client. Each request comes from its own client address
through ``X-Forwarded-For`` (the service trusts 127.0.0.1 as its proxy), so the per-client
rate limits stay on as in production. At the end the rows stored are counted: nothing lost
means every response was the 303 of a stored question, and the count matches.

The work is bounded: at most ``rate × seconds`` requests, a 10 s timeout each, one target.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select

BODY = ("Kính gửi Ban Biên tập, gia đình tôi ở thôn Lũng Sơn muốn hỏi về thủ tục đăng ký hộ kinh doanh "
        "khi mở cửa hàng tạp hóa tại nhà: cần chuẩn bị những giấy tờ gì, nộp ở đâu, mất bao lâu "
        "và có phải nộp lệ phí không? Xin cảm ơn.")


@dataclass
class LoadResult:
    database: str
    target_rate: float
    seconds: float
    sent: int
    responses_303: int
    errors: int
    stored: int
    achieved_rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @property
    def nothing_lost(self) -> bool:
        return self.errors == 0 and self.responses_303 == self.sent == self.stored

    def as_dict(self) -> dict:
        return {**asdict(self), "nothing_lost": self.nothing_lost}


def _serve(root: str, db_url: str, sock: socket.socket, ready) -> None:  # in the child process
    import uvicorn

    from portal.service.app import create_app
    from portal.service.config import load_config
    from portal.service.dispatch import uvicorn_config

    cfg = load_config(Path(root), db_url=db_url)
    app = create_app(cfg)
    server = uvicorn.Server(uvicorn_config(app, cfg, lifespan="off", access_log=False, log_level="error"))
    ready.set()
    server.run(sockets=[sock])


async def _client(port: int, host_header: str, rate: float, seconds: float, connections: int, tag: str):
    total = int(rate * seconds)
    latencies: list[float] = []
    codes: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    start = time.perf_counter() + 0.2

    async def feeder() -> None:
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.put_nowait(i)
        for _ in range(connections):
            queue.put_nowait(-1)

    async def worker() -> None:
        reader = writer = None
        while True:
            i = await queue.get()
            if i < 0:
                break
            due = start + i / rate
            body = urlencode({"name": "Trần Văn Bình", "address": "Thôn Lũng Sơn", "email": "",
                              "subject": f"{tag} câu hỏi số {i}", "body": BODY, "kind": "question"}).encode()
            addr = f"127.{1 + i // 62500 % 200}.{i // 250 % 250}.{i % 250 + 1}"
            head = (f"POST /api/hoi-dap/gui HTTP/1.1\r\nHost: {host_header}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(body)}\r\nX-Forwarded-For: {addr}\r\n"
                    f"Origin: http://{host_header}\r\n\r\n").encode()
            status = 0
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(head + body)
                await writer.drain()
                async with asyncio.timeout(10):
                    line = await reader.readline()
                    status = int(line.split()[1])
                    length = 0
                    while True:
                        h = await reader.readline()
                        if h in (b"\r\n", b""):
                            break
                        if h.lower().startswith(b"content-length:"):
                            length = int(h.split(b":")[1])
                    if length:
                        await reader.readexactly(length)
            except (OSError, ValueError, IndexError, TimeoutError, asyncio.IncompleteReadError):
                if writer is not None:
                    writer.close()
                reader = writer = None
            latencies.append((time.perf_counter() - due) * 1000)
            codes[status] = codes.get(status, 0) + 1
        if writer is not None:
            writer.close()

    await asyncio.gather(feeder(), *(worker() for _ in range(connections)))
    return latencies, codes, time.perf_counter() - start, total  # from the first request's due time


def run_load(root: Path, db_url: str, *, rate: float = 200, seconds: float = 30, connections: int = 32,
             site: str | None = None) -> LoadResult:
    """Migrate *db_url*, serve the project at *root*, send ``rate × seconds`` questions, count what was stored."""
    from portal.model.sites import load_network
    from portal.service import db
    from portal.service.models import Question

    db.migrate(db_url)
    network = load_network(root)
    site = site or network.ids[-1]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    port = sock.getsockname()[1]
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    child = ctx.Process(target=_serve, args=(str(root), db_url, sock, ready), daemon=True)
    child.start()
    sock.close()
    tag = f"tải-{os.getpid()}-{time.time_ns() % 10**9}"
    try:
        ready.wait(30)
        time.sleep(0.5)
        latencies, codes, elapsed, total = asyncio.run(_client(port, f"{site}.localhost:{port}", rate, seconds,
                                                               connections, tag))
    finally:
        child.terminate()
        child.join(10)
    engine = db.make_engine(db_url)
    with db.sessions(engine)() as s:
        stored = s.scalar(select(func.count()).select_from(Question).where(Question.subject.like(f"{tag} %")))
    engine.dispose()
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0

    ok = codes.get(303, 0)
    return LoadResult(database=db_url.split(":", 1)[0], target_rate=rate, seconds=round(elapsed, 2), sent=total,
                      responses_303=ok, errors=total - ok, stored=int(stored or 0),
                      achieved_rate=round(ok / elapsed, 1) if elapsed else 0.0, p50_ms=pct(0.50), p95_ms=pct(0.95),
                      p99_ms=pct(0.99), max_ms=round(lat[-1], 1) if lat else 0.0)


def summary(r: LoadResult) -> str:
    return (f"{r.database}: {r.sent} sent at {r.target_rate:g}/s for {r.seconds:g} s → {r.achieved_rate:g}/s; "
            f"303: {r.responses_303}, errors: {r.errors}, stored: {r.stored}; latency p50 {r.p50_ms} ms, "
            f"p95 {r.p95_ms} ms, p99 {r.p99_ms} ms, max {r.max_ms} ms; nothing lost: {r.nothing_lost}")

