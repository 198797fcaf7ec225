"""The tickets service: the appeal ledger (诉求台账) of notice 二(四) — appeals received, dispatched,
signed for, classified, resolved, rated and closed off, on Chinese working-day deadlines.

domain      the Ticket and RoutingTable aggregates (plain Python, no I/O)
vocabulary  status, channel, category, way of handling, rating codes with their Chinese labels
deadlines   the working days each step may take, per category
duplicates  telling an appeal raised twice from two different ones
exceptions  one named exception per broken rule
access      who may read which appeals
service     the nameko entrypoints: load, decide, append
projections the read model, folded in the command's transaction and rebuildable from the log
queries     the ledger view's filters and cursor pages
workbook    the ledger as an .xlsx with Chinese headers
"""
