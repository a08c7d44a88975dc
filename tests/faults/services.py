"""Private service processes that fault tests may stop and start at will.

Never stop the machine's shared Redis or PostgreSQL: a test that needs an
outage starts its own redis-server on a free port (``RedisServer``) and stops
that one.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throw-away redis-server on 127.0.0.1:<port>, no persistence.

    ``stop()`` and ``start()`` may be called any number of times; the port
    stays the same, so clients configured with ``url()`` reconnect by
    themselves once it is back.
    """

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.dir = Path(tempfile.mkdtemp(prefix="lianxin-redis-"))

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        if self.running:
            return
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis.from_url(self.url(), socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline or not self.running:
                    self.stop()
                    raise RuntimeError(
                        f"redis-server did not start on port {self.port}"
                    ) from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        """Stop the server at once (SIGTERM, then SIGKILL): an outage."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def database_url(connection) -> str:
    """A DATABASE_URL for another process to reach this test database."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def start_celery_worker(
    *, env: dict, log_path: Path, queues: str | None = None
) -> subprocess.Popen:
    """A real worker (solo pool) with ``env`` on top of ours; its log at log_path.

    ``env`` should name at least DATABASE_URL and CELERY_BROKER_URL; the test
    settings are used. Stop it with ``stop_process``.
    """
    import os
    import sys

    root = Path(__file__).resolve().parent.parent.parent
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", **env}
    command = [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "-l", "info"]
    if queues:
        command += ["-Q", queues]
    log = open(log_path, "w")  # noqa: SIM115 - the child writes it until it stops
    try:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=root, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    finally:
        log.close()


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``timeout`` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
