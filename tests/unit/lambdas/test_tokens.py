from __future__ import annotations

import hashlib
import math

from hypothesis import given
from hypothesis import strategies as st

from lambdas.shared import tokens


def test_new_link_token_carries_at_least_128_random_bits() -> None:
    token = tokens.new_link_token()
    # URL-safe base64: 6 bits per character.
    assert len(token) * 6 >= 128
    assert tokens.TOKEN_BYTES * 8 >= 128
    assert tokens.is_well_formed(token)


def test_new_link_token_never_repeats() -> None:
    issued = {tokens.new_link_token() for _ in range(2000)}
    assert len(issued) == 2000


def test_new_link_token_uses_the_whole_alphabet() -> None:
    # A weak generator (a counter, a clock) would leave most of the 64 symbols unused.
    symbols = set("".join(tokens.new_link_token() for _ in range(200)))
    assert len(symbols) == 64
    assert math.log2(len(symbols)) == 6


def test_hash_token_is_hex_sha256() -> None:
    token = tokens.new_link_token()
    assert tokens.hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert token not in tokens.hash_token(token)


def test_matches_accepts_only_the_hashed_token() -> None:
    token = tokens.new_link_token()
    stored = tokens.hash_token(token)
    assert tokens.matches(token, stored)
    assert not tokens.matches(tokens.new_link_token(), stored)
    assert not tokens.matches(token[:-1] + ("A" if token[-1] != "A" else "B"), stored)


def test_is_well_formed_rejects_forgeries_of_the_wrong_shape() -> None:
    token = tokens.new_link_token()
    for forged in ["", token[:-1], token + "A", token[:-1] + "=", token[:-1] + "/", "../" * 15]:
        assert not tokens.is_well_formed(forged), forged


@given(st.text(max_size=60))
def test_is_well_formed_accepts_only_43_urlsafe_characters(text: str) -> None:
    expected = len(text) == 43 and all(c.isascii() and (c.isalnum() or c in "-_") for c in text)
    assert tokens.is_well_formed(text) is expected


def test_approval_id_is_a_short_prefix_of_the_hash() -> None:
    stored = tokens.hash_token(tokens.new_link_token())
    assert tokens.approval_id(stored) == stored[:16]
