"""Huiqi's benchmarks: every figure of the speed section measured beside its peer in one run.

`python -m bench [--short] [--only NAME]` (or `bin/huiqi bench`) prints the machine and one
markdown table. Each figure has a module of its own (`store`, `ingest`, `verify`, `endtoend`,
`growth`); `infra` gives them private RabbitMQ vhosts and PostgreSQL databases, removed
afterwards; `table` renders the rows. Timings are printed, never asserted.
"""
