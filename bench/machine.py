"""The machine a run measured: CPU model and cores, memory, Python, PostgreSQL and RabbitMQ."""
from __future__ import annotations

import os
import platform
import sys

import psutil

from bench import infra


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> str:
    memory = psutil.virtual_memory().total / 2**30
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return "\n".join([
        f"- CPU: {cpu_model()}, {psutil.cpu_count(logical=True)} cores",
        f"- RAM: {memory:.1f} GiB; load average at the start: {load}",
        f"- Python {sys.version.split()[0]} on {platform.system()} {platform.release()}",
        f"- PostgreSQL {infra.pg_version()}, RabbitMQ {infra.rabbitmq_version()}",
    ])
