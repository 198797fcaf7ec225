"""The liaison service's HTTP routes, one module per area: registry (enterprises, parks, units,
leaders), linkage (linkages, plans), fieldwork (surveys, help plans, visits, consultations,
matchmaking)."""
