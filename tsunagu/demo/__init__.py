"""A deterministic synthetic prefecture for demonstrations and manual testing (`tsunagu demo-data`).

Built in steps, each taking what the one before returned, so later steps (cases, contacts) can be added
as modules beside these: network.build_network() -> DemoNetwork, staff.build_staff(network) -> logins.
Every name here is fictional; every change goes through the domain actions, so the audit trail is real.
"""
