"""A client's role is its party's role in the partnership events, or operator."""

from __future__ import annotations

from shared.contracts.partnership import PartyRole
from shared.security.identity import Role


def test_every_party_role_is_a_client_role_under_the_same_name():
    assert {role.party_role for role in Role if role is not Role.OPERATOR} == set(PartyRole)
    assert all(role.party_role is None or role.value == role.party_role.value for role in Role)


def test_operators_belong_to_no_party_role():
    assert Role.OPERATOR.party_role is None
