"""A throwaway PostgreSQL server on loopback, for tests and local profiles.

Uses Debian's PostgreSQL binaries (`apt-get install postgresql`); nothing survives the
`with` block. PostgreSQL refuses to run as root, so under root the server runs as the
`postgres` system user.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    database: str

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"


def find_bin_dir() -> Path | None:
    """Debian keeps the server programs out of PATH, under /usr/lib/postgresql/<version>/bin."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if candidates:
        return candidates[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


@contextmanager
def temporary_postgres(
    port: int, database: str = "rasa", user: str = "rasa"
) -> Iterator[PostgresServer]:
    """initdb into a fresh directory, start on 127.0.0.1:`port` with trust auth, create
    `database`; stop and delete everything afterwards. The directory is made directly under
    the system temp dir, because the server user must be able to reach it."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    workdir = Path(tempfile.mkdtemp(prefix="tro-ly-postgres-"))
    data_dir, socket_dir = workdir / "pgdata", workdir / "pgsocket"
    socket_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_USER)
        for path in (workdir, socket_dir):
            os.chown(path, account.pw_uid, account.pw_gid)

    def run(*command: str) -> None:
        subprocess.run(_as_server_user(list(command)), check=True, capture_output=True, cwd=workdir)

    run(
        str(bin_dir / "initdb"),
        "-D",
        str(data_dir),
        "-U",
        user,
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
    )
    options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data_dir),
        "-o",
        options,
        "-l",
        str(workdir / "postgres.log"),
        "-w",
        "start",
    )
    try:
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, database)
        yield PostgresServer("127.0.0.1", port, user, database)
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(workdir, ignore_errors=True)
