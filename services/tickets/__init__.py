"""The tickets service: the appeal ledger (诉求台账) of notice 二(四) — appeals received, dispatched,
signed for, classified, resolved, rated and closed off, on Chinese working-day deadlines.

domain      the Ticket aggregate: one appeal, only what its decisions need (plain Python, no I/O)
rules       the appeal's rules as one table: command × status × role, and the error of each refusal
routing     the RoutingTable aggregate: which unit leads on which category in which county
vocabulary  status, channel, category, way of handling, rating codes with their Chinese labels
deadlines   the working days each step may take, per category, and the due instants they give
duplicates  telling an appeal raised twice from two different ones
exceptions  one named exception per broken rule
access      who may read which appeals
contract    the wire contract the gateway shares: request and response shapes, actions, filters, limits
service     the nameko entrypoints: load, decide, append
view        the appeal as clients see it: the aggregate's state and what is kept for display
projections the read model, folded in the command's transaction and rebuildable from the log
queries     the ledger view's filters and cursor pages
workbook    the ledger as an .xlsx with Chinese headers
"""
