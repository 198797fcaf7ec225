"""The liaison service: notice 二(三) and the organisation of 三(一) — who the city's enterprises,
parks, units and leaders are, which leader is linked to which enterprises (挂点联系) under the
notice's rules, and the field work that follows: surveys, help plans, visits whose problems become
appeals, expert consultations and matchmaking.

registry    enterprises, parks, units (and the leading group), leaders: the register the other
            services validate names against
linkage     the linkage rules, the plan that satisfies them (a CP-SAT model), linkages, the
            departments' parks and the liaison officers
fieldwork   surveys, help plans, visits (problems found become appeals), expert consultations and
            matchmaking
Each area holds its aggregates (plain Python), its wire contract, its read models (`views`) and
its RPC entrypoints (`rpc`, a mixin of `service.LiaisonService`).
"""
