"""The policy service's tests, and the register of policies they share (`policy.fixtures`)."""
