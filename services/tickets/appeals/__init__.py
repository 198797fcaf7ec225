"""The appeal ledger (诉求台账, notice 二(四)): appeals received, dispatched, signed for,
classified, resolved, rated and closed off, on Chinese working-day deadlines."""
