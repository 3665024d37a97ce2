"""Stop `make test` and `make bench` early, with a clear message, when PostgreSQL or Redis is down.

With --create-database, also create DATABASE_URL's database when it does not exist (`make bench`).
"""

import os
import sys

import dj_database_url
import psycopg
import redis
from psycopg import sql


def main() -> int:
    problems = []
    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    try:
        psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", connect_timeout=3
        ).close()
    except psycopg.Error as exc:
        problems.append(
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} ({exc.__class__.__name__}).\n"
            "  Start it:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
            "  or point TEST_DATABASE_URL at a running server."
        )
    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(
            f"Redis is not reachable at {os.environ['REDIS_URL']} ({exc.__class__.__name__}).\n"
            '  Start it:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n'
            "  or point TEST_REDIS_URL at a running server."
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems and "--create-database" in sys.argv[1:]:
        create_database(db)
    return 1 if problems else 0


def create_database(db: dict) -> None:
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
    ) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"Created the database {db['NAME']}.")


if __name__ == "__main__":
    sys.exit(main())
