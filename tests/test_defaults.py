"""Each default is written once, in `mockserver.settings`: the command line, `Settings` and the
running mock's policies read it from there, so they cannot drift apart."""

from __future__ import annotations

from dataclasses import fields

from mockserver.cli import parser, settings_from
from mockserver.context import UNKNOWN_USERS, Context
from mockserver.runtime import Runtime
from mockserver.scenarios.loader import load_scenarios
from mockserver.settings import DEFAULT_SMS_CODE, DEFAULT_UNKNOWN_USERS, Settings

# What the command line turns on that a Settings written in code leaves off (a test's server).
CLI_ONLY = {"watch", "warm_up"}


def test_the_command_line_without_flags_chooses_the_settings_defaults() -> None:
    p = parser({})
    chosen, default = settings_from(p, p.parse_args([]), {}), Settings()
    differ = {f.name for f in fields(Settings) if getattr(chosen, f.name) != getattr(default, f.name)}
    assert differ == CLI_ONLY


def test_a_mock_started_with_the_default_settings_sends_the_default_sms_code() -> None:
    settings = Settings()
    runtime = Runtime.start(settings, load_scenarios(settings.layers))
    assert runtime.context.sms.code == settings.sms_code == DEFAULT_SMS_CODE


def test_the_default_unknown_users_are_one_of_the_choices_and_the_contexts_default() -> None:
    assert DEFAULT_UNKNOWN_USERS in UNKNOWN_USERS
    [first_sight] = [f for f in fields(Context) if f.name == "first_sight"]
    assert first_sight.default is UNKNOWN_USERS[Settings().unknown_users]
