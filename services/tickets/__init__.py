"""The tickets service: the appeal ledger (诉求台账) of notice 二(四) — appeals received, dispatched,
signed for, classified, resolved, rated and closed off, on Chinese working-day deadlines.

appeals      the appeal: its aggregate (`domain`), rules table, events, wire contract, entrypoints,
             read models (the ledger, and the leaders' linkage learnt from the liaison service),
             reactions, access, and the pieces of its domain (deadlines, duplicates, ledger
             numbers, the appeal's view, the ledger's queries and workbook)
routing      the routing table (谁主管、谁负责): which unit leads on which category in which county
service      the nameko class, composing the areas' entrypoints
permissions  the areas' rows of the permission table, composed
events       the service's catalogue of published events, gathering the areas'
projections  the areas' read models, as the registry rebuilds them
"""
