"""The field work's aggregates (notice 二(三), 三(一)2), one module each, plain Python, no I/O:

survey            a department's survey (调研) of its park and enterprises (`Survey`)
help_plan         a department's help plan (帮扶方案), reviewed and filed (`HelpPlan`)
visit             a visit (走访) to an enterprise, its problems and the appeals raised from them
                  (`Visit`)
activities        expert consultations and matchmaking (`Consultation`, `Matchmaking`)
operation_report  an enterprise's production and operation in a month, as its leader's liaison
                  officer reports it (`OperationReport`)
inputs            the checks of the commands' fields these aggregates share

State changes only in the aggregates' `when_<Fact>` methods; what a command needs to know of the
register or the linkage, the caller hands in.
"""
