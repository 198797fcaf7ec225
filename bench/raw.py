"""The floor under every store: one row inserted and committed, per writer on a connection of its
own, with the database's driver and nothing else."""
from __future__ import annotations

import sqlite3
import uuid

import psycopg2
import sqlalchemy as sa

from bench.load import Outcome, drive

TABLE = "bench_raw (id varchar(36) primary key, body text)"


def commit_rate(url: str, count: int, writers: int) -> Outcome:
    parsed = sa.make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"

    def connect():
        if sqlite:
            connection = sqlite3.connect(parsed.database, timeout=30, isolation_level=None,
                                         check_same_thread=False)
            # The same journal as the project's SQLite store, so the floor is the same floor.
            connection.execute("PRAGMA journal_mode=WAL")
            return connection
        return psycopg2.connect(host=parsed.host, port=parsed.port or 5432,
                                user=parsed.username, password=parsed.password,
                                dbname=parsed.database)

    first = connect()
    cursor = first.cursor()
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE}")
    if not sqlite:
        first.commit()
    connections = {}

    def setup(client: int) -> None:
        connections[client] = connect()

    body = '{"title": "用工难题", "county": "ganxian"}'

    def job(client: int, _n: int) -> None:
        connection = connections[client]
        cursor = connection.cursor()
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO bench_raw VALUES (?, ?)", (str(uuid.uuid4()), body))
            cursor.execute("COMMIT")
        else:
            cursor.execute("INSERT INTO bench_raw VALUES (%s, %s)", (str(uuid.uuid4()), body))
            connection.commit()

    try:
        return drive(job, count, writers, setup)
    finally:
        for connection in [first, *connections.values()]:
            connection.close()
