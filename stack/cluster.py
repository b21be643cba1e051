"""The bot on more than one process, on real engines: two of each service behind nginx.

  nginx :rasa_port     → Rasa ×2 (REST round-robin; socket.io sticky by client address)
  nginx :actions_port  → action server ×2
  nginx :knowledge_port→ knowledge service ×2 (one published index, one admin database)
  PostgreSQL           → Rasa's trackers and the knowledge service's admin database
  Redis                → Rasa's lock store, so replicas never handle one conversation at once
                         (db 0), socket.io's message queue (db 1), and the rate limits of the chat
                         channels (db 2) and of the record endpoints (db 3), so they hold across
                         replicas

PostgreSQL, Redis and nginx come from Debian's packages and run on loopback for as long as
the cluster runs (`make run-cluster`; the cluster tests use the same class on other ports).
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.channels.rate_limit import PLEASE_WAIT
from stack.postgres_server import temporary_postgres
from stack.redis_server import temporary_redis
from stack.services import (
    REPO_ROOT,
    ServiceSpec,
    Stack,
    StackConfig,
    action_endpoint_environment,
    actions_spec,
    check_ports_free,
    knowledge_spec,
    live_handoff_environment,
    rasa_spec,
    seed_embedding_cache,
    serve_in_foreground,
)

REPLICAS = (1, 2)
NGINX_TEMPLATE = """
{user}
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log {workdir}/nginx-access.log;
  client_body_temp_path {workdir}/body;
  proxy_temp_path {workdir}/proxy;
  fastcgi_temp_path {workdir}/fastcgi;
  uwsgi_temp_path {workdir}/uwsgi;
  scgi_temp_path {workdir}/scgi;
  client_max_body_size 12m;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  # Per client address, before Rasa: a flood gets a polite JSON "please wait" (REST reply shape).
  limit_req_zone $binary_remote_addr zone=chat_per_address:10m rate={chat_rate}r/s;
  limit_req_status 429;
  # A replica that refuses a connection is skipped; the request goes to the other one.
  proxy_next_upstream error timeout http_502 http_503;
  proxy_connect_timeout 2s;
  proxy_read_timeout 60s;
  proxy_http_version 1.1;
  upstream rasa {{ {rasa} }}
  upstream rasa_sticky {{ hash $remote_addr consistent; {rasa} }}
  upstream actions {{ {actions} }}
  upstream knowledge {{ {knowledge} }}
  server {{
    listen {host}:{rasa_port};
    location = /nginx-health {{ return 200 "ok"; }}
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
    }}
    location /webhooks/ {{
      limit_req zone=chat_per_address burst={chat_burst} nodelay;
      error_page 429 = @please_wait;
      proxy_pass http://rasa;
    }}
    location @please_wait {{
      default_type application/json;
      return 429 '{please_wait}';
    }}
    location / {{ proxy_pass http://rasa; }}
  }}
  server {{
    listen {host}:{actions_port};
    location = /nginx-health {{ return 200 "ok"; }}
    location / {{ proxy_pass http://actions; }}
  }}
  # The knowledge service: the browser's Host (with its port: the login's Origin check), the
  # client's address in place of whatever X-Forwarded-For it sent, paths logged without queries.
  log_format path_only '$remote_addr - [$time_local] "$request_method $uri $server_protocol" $status $body_bytes_sent';
  server {{
    listen {host}:{knowledge_port};
    access_log {workdir}/nginx-access.log path_only;
    location = /nginx-health {{ return 200 "ok"; }}
    location / {{
      proxy_pass http://knowledge;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
  }}
}}
"""


@dataclass
class ClusterConfig(StackConfig):
    """Public ports are nginx's; replica n of a service listens on its public port + 10·n."""

    postgres_port: int = 5432
    redis_port: int = 6379
    # nginx's per-address limit on the chat webhooks (the channels also limit per conversation).
    chat_requests_per_second: int = 20
    chat_burst: int = 40
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tro-ly-cluster-")))

    def replica_port(self, public_port: int, replica: int) -> int:
        return public_port + 10 * replica

    def redis_db(self, db: int) -> str:
        """Another database of the lock store's Redis."""
        if not self.lock_store_url:
            raise ValueError("the cluster needs lock_store_url (its Redis)")
        return urlsplit(self.lock_store_url)._replace(path=f"/{db}").geturl()


class Cluster(Stack):
    """Two replicas of each service behind nginx; needs `tracker_store_url`/`lock_store_url` set."""

    config: ClusterConfig

    def replica_specs(self) -> list[list[ServiceSpec]]:
        """Services in start order; replicas of one service start together."""
        c = self.config
        endpoints, rasa_env = c.rasa_endpoints()
        knowledge_live, rasa_live = live_handoff_environment(c)
        # The chat channels' limits (bot/channels/rate_limit.py) and the record endpoints'
        # (knowledge/api/deps.py) in Redis, each in a database of its own: one allowance per
        # conversation and address whichever replica takes the message.
        rasa_env = {**rasa_env, **rasa_live, "CHAT_RATE_LIMIT_STORAGE": c.redis_db(2)}
        knowledge_env = {
            **knowledge_live,
            "KB_INDEX_DIR": str(c.workdir / "index"),
            "KB_RASA_PUBLIC_URL": c.url(c.rasa_port),
            "KB_RECORDS_TOKEN": c.records_token,
            "KB_TRUSTED_PROXIES": json.dumps(
                [c.host]
            ),  # nginx reaches the replicas from the bind address
            "KB_RATE_LIMIT_STORAGE": c.redis_db(3),
            **(
                {"KB_ADMIN_DATABASE_URL": c.extra_env["KB_ADMIN_DATABASE_URL"]}
                if "KB_ADMIN_DATABASE_URL" in c.extra_env
                else {}
            ),
        }
        return [
            [
                knowledge_spec(
                    c, f"knowledge{n}", c.replica_port(c.knowledge_port, n), knowledge_env
                )
                for n in REPLICAS
            ],
            [
                actions_spec(
                    c, f"actions{n}", c.replica_port(c.actions_port, n), c.url(c.knowledge_port)
                )
                for n in REPLICAS
            ],
            # Rasa replicas call the action servers through nginx, which passes the secret on.
            [
                rasa_spec(
                    c,
                    f"rasa{n}",
                    c.replica_port(c.rasa_port, n),
                    endpoints,
                    {**action_endpoint_environment(c), **rasa_env},
                )
                for n in REPLICAS
            ],
        ]

    def nginx_spec(self) -> ServiceSpec:
        c = self.config
        servers = {
            name: " ".join(
                f"server {c.host}:{c.replica_port(port, n)} max_fails=1 fail_timeout=10s;"
                for n in REPLICAS
            )
            for name, port in (
                ("rasa", c.rasa_port),
                ("actions", c.actions_port),
                ("knowledge", c.knowledge_port),
            )
        }
        conf = c.workdir / "nginx.conf"
        please_wait = json.dumps([{"recipient_id": "", **PLEASE_WAIT}], ensure_ascii=False)
        conf.write_text(
            NGINX_TEMPLATE.format(
                chat_rate=c.chat_requests_per_second,
                chat_burst=c.chat_burst,
                please_wait=please_wait,
                user="user root;" if os.geteuid() == 0 else "",
                workdir=c.workdir,
                host=c.host,
                rasa_port=c.rasa_port,
                actions_port=c.actions_port,
                knowledge_port=c.knowledge_port,
                **servers,
            )
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        return ServiceSpec(
            "nginx",
            [nginx, "-c", str(conf), "-p", str(c.workdir)],
            f"{c.url(c.knowledge_port)}/nginx-health",
            dict(os.environ),
            (c.rasa_port, c.actions_port, c.knowledge_port),
        )

    def specs(self) -> list[ServiceSpec]:
        return [spec for group in self.replica_specs() for spec in group] + [self.nginx_spec()]

    def start(self, timeout: float = 300.0, only: list[str] | None = None) -> None:
        check_ports_free(self.specs())
        seed_embedding_cache(self.config.workdir / "index")
        # nginx first: replicas call each other through it as soon as they are up.
        self.start_together([self.nginx_spec()], timeout)
        knowledge, *others = self.replica_specs()
        # One at a time: the first builds the index and migrates the database, the next reuses them.
        for spec in knowledge:
            self.start_together([spec], timeout)
        for group in others:
            self.start_together(group, timeout)

    def kill(self, name: str) -> None:
        """SIGKILL one replica, as a crash would (fault tests)."""
        process = self._processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def running_cluster(config: ClusterConfig) -> Iterator[Cluster]:
    """PostgreSQL and Redis first, then the replicas and nginx; everything stops afterwards."""
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx)")
    with ExitStack() as engines:
        postgres = engines.enter_context(temporary_postgres(config.postgres_port))
        redis_url = engines.enter_context(temporary_redis(config.redis_port))
        config.tracker_store_url = postgres.url
        config.lock_store_url = redis_url
        with Cluster(config) as cluster:
            yield cluster


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument(
        "--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055))
    )
    parser.add_argument(
        "--knowledge-port", type=int, default=int(os.environ.get("KNOWLEDGE_PORT", 8000))
    )
    parser.add_argument("--postgres-port", type=int, default=5433)
    parser.add_argument("--redis-port", type=int, default=6380)
    args = parser.parse_args()
    config = ClusterConfig(
        rasa_port=args.rasa_port,
        actions_port=args.actions_port,
        knowledge_port=args.knowledge_port,
        postgres_port=args.postgres_port,
        redis_port=args.redis_port,
        log_dir=REPO_ROOT / "build" / "logs" / "cluster",
    )
    return serve_in_foreground(
        lambda: running_cluster(config),
        lambda: [
            f"  Rasa ×2 via nginx        {config.url(config.rasa_port)}/webhooks/rest/webhook",
            f"  Knowledge ×2 via nginx   {config.url(config.knowledge_port)}/",
            f"  Trackers in {config.tracker_store_url}, locks in {config.lock_store_url}",
        ],
        config.log_dir,
    )


if __name__ == "__main__":
    sys.exit(main())
