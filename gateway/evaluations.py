"""The enterprises' evaluation rounds (评议反馈, notice 二(五)2) over HTTP: the office opens a round
over the units rated, each enterprise rates the units that handled its appeals (work done,
problems fixed), the office closes it, and its results feed the year-end assessment. Shapes are
supervision's wire contract; who may rate whom is the supervision service's rule."""
from __future__ import annotations

from gateway.operations import Routes
from gateway.routes import CREATE_ERRORS, LIST_ERRORS
from gateway.supervision import SupervisionRoutes
from kernel.dependencies import TimedRpcProxy
from services.supervision.contract import (
    CloseEvaluationRound, EvaluationResults, EvaluationRoundList, EvaluationRoundPath,
    EvaluationRoundView, OpenEvaluationRound, RateEvaluatedUnit,
)

api = Routes("evaluations", "Enterprise evaluation rounds (评议反馈): the enterprises served rate "
                            "the units that served them. notice 二(五)2",
                            service="supervision")
routes = SupervisionRoutes(api)


class EvaluationsApi:
    supervision = TimedRpcProxy("supervision")

    open_evaluation_round = routes.command(
        "POST", "/evaluations", "open_evaluation_round",
        "Open an evaluation round over the units rated (the office)", body=OpenEvaluationRound,
        view=EvaluationRoundView, described="opened", status=201, errors_=CREATE_ERRORS,
        location="/evaluations/{id}")
    evaluation_rounds = routes.read(
        "/evaluations", "evaluation_rounds", "The evaluation rounds, the latest first",
        view=EvaluationRoundList, described="the rounds", errors_=LIST_ERRORS)
    evaluation_round = routes.read(
        "/evaluations/{round_id}", "evaluation_round", "An evaluation round",
        path_model=EvaluationRoundPath, view=EvaluationRoundView, described="the round")
    rate_evaluated_unit = routes.command(
        "POST", "/evaluations/{round_id}/ratings", "rate_evaluated_unit",
        "Rate a unit that handled one of the enterprise's appeals, once per unit and round "
        "(the enterprise)", path_model=EvaluationRoundPath, body=RateEvaluatedUnit,
        view=EvaluationRoundView, described="rated: the round", status=201)
    close_evaluation_round = routes.command(
        "POST", "/evaluations/{round_id}/close", "close_evaluation_round",
        "Close the round: no rating is taken after (the office)",
        path_model=EvaluationRoundPath, body=CloseEvaluationRound, view=EvaluationRoundView,
        described="closed")
    evaluation_results = routes.read(
        "/evaluations/{round_id}/results", "evaluation_results",
        "Per unit: the ratings taken, their averages and the ledger entries behind them",
        path_model=EvaluationRoundPath, view=EvaluationResults, described="the results")
