"""One refusal has one class and one rule code across the tree: every module of the kernel, the
services and the gateway imported, every `DomainError` subclass listed, and no two carrying the
same `rule` (the gateway and the API's clients tell refusals apart by it)."""
import importlib
import pkgutil
from collections import defaultdict

import kernel
import gateway
import services
from kernel.errors import DomainError

PACKAGES = (kernel, services, gateway)


def every_module() -> list[str]:
    names = []
    for package in PACKAGES:
        for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            # Alembic revisions are run by Alembic, not imported as modules.
            if ".migrations" not in found.name:
                names.append(found.name)
    return names


def subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *subclasses(sub)}
    return found


def rules_by_class() -> dict[str, list[str]]:
    for name in every_module():
        importlib.import_module(name)
    by_rule = defaultdict(list)
    for cls in subclasses(DomainError):
        if not cls.__module__.startswith(("kernel", "services", "gateway")):
            continue  # a test's own error
        # A class that inherits its rule unchanged is a shape (`Worded`, `NoSuch`), not a rule.
        if "rule" in vars(cls):
            by_rule[cls.rule].append(f"{cls.__module__}.{cls.__qualname__}")
    return by_rule


def test_every_module_imports():
    assert len(every_module()) > 100


def test_no_two_classes_carry_the_same_rule():
    shared = {rule: sorted(classes) for rule, classes in rules_by_class().items()
              if len(classes) > 1}
    assert not shared, "one refusal, one class: these rules are carried by more than one:\n" + \
        "\n".join(f"- {rule}: {', '.join(classes)}" for rule, classes in sorted(shared.items()))
