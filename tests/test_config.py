"""The TOML configuration: what a file becomes, and every way it can be wrong."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

import host.config
from hdl.strategy.layouts import ECP5_TRADE, SIM_TRADE
from host.config import check_symbols, load_config, parse_config
from host.errors import EXIT_NOT_FOUND, EXIT_USAGE, ConfigError, UserError
from sim.example_trade import take_config_for_day
from sim.itch_file import read_day
from sim.risk_model import RiskLimits, SlotRisk
from sim.strategy_model import PairConfig, TakeConfig

EXAMPLE = "strategy_ritch.toml"
DAY = "itch/ritch_20101224.itch50"
TWO_STOCKS = '[[stock]]\nsymbol = "AAPL"\n[[stock]]\nsymbol = "MSFT"\n'
#: The format as the design describes it (its numbers are converted by hand below).
DESIGN = """
[risk]
enable = true
max_shares = 1000
max_notional = "25000.00"
collar = "0.05"
gross_limit = "1000000.00"
loss_limit = "5000.00"
stock_burst = 5
stock_refill_us = 100
global_burst = 20
global_refill_us = 10
dup_window_us = 50

[card]
clock_mhz = 156.25

[[stock]]
symbol = "AAPL"
position_limit = 10000
take = { buy_limit = "580.00", sell_limit = "590.00", max_shares = 100, cooldown_us = 5 }

[[stock]]
symbol = "MSFT"
position = -300

[[pair]]
a = "AAPL"
b = "MSFT"
ratio = 2
band_lo = "-0.50"
band_hi = "0.50"
qty = 100

[order]
firm = "ACME"
clordid_prefix = "ACME01"

[exchange]
round_trip_us = 20
"""


def _problems(text: str, params=SIM_TRADE) -> dict[str, str]:
    """``{toml_path: what}`` of the error ``text`` must raise."""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "cfg.toml", params)
    assert caught.value.exit_code == EXIT_USAGE
    return dict(caught.value.problems)


# --- what a file becomes ---------------------------------------------------------------

def test_bundled_example_becomes_the_expected_trade_config(bundled_data):
    config = load_config(bundled_data / EXAMPLE)
    trade = config.trade
    assert config.tickers == {0: "ALC", 1: "BOB", 2: "CHAR"}
    assert config.clock_mhz == 156.25
    assert config.round_trip_us == 20 and config.round_trip_cycles == 3125   # 20 x 156.25
    assert trade.takes == {
        0: TakeConfig(True, 221_823, 266_400, 200, 400, b"ALC     "),   # "22.1823", 2.56 us
        1: TakeConfig(True, 55_750, 68_500, 200, 400, b"BOB     "),
        2: TakeConfig(True, 203_750, 240_500, 200, 400, b"CHAR    "),
    }
    assert trade.limits == RiskLimits(
        enable=True, collar_bps=False, max_shares=150, max_notional=3000 * 10_000,
        collar=300, gross_limit=10**9 * 10_000, stock_burst=4, stock_refill_log2=12,
        global_burst=6, global_refill_log2=10, dup_window=5000,        # 32 us x 156.25 MHz
        loss_limit=10**11 * 10_000)
    assert trade.slots == {slot: SlotRisk(position=0, limit=5000) for slot in range(3)}
    assert trade.pairs == [PairConfig(0, 1, True, 4, -16_336, 21_332, 25)]


def test_bundled_example_is_what_its_header_says(bundled_data):
    """Take limits at the day's add-price percentiles, risk limits of example_trade."""
    config = load_config(bundled_data / EXAMPLE)
    day = read_day(bundled_data / DAY)
    assert set(config.symbols) == set(day.symbols().values())
    check_symbols(config, set(day.symbols().values()))
    expected = take_config_for_day(day, config.tickers)
    assert config.trade.takes == expected.takes
    assert config.trade.limits == expected.limits
    assert config.trade.slots == expected.slots


def test_bundled_example_fits_the_registers(bundled_data):
    writes = load_config(bundled_data / EXAMPLE).trade.writes()
    assert ("strategy.take_buy_limit", 221_823) in writes
    assert all(0 <= value < 1 << 32 for _, value in writes)


def test_design_example_converts_by_hand():
    config = parse_config(DESIGN)
    trade = config.trade
    assert trade.limits == RiskLimits(
        enable=True, collar_bps=False, max_shares=1000,
        max_notional=25_000 * 10_000, collar=500, gross_limit=1_000_000 * 10_000,
        stock_burst=5,
        stock_refill_log2=14,           # 100 us = 15,625 cycles; 16,384 is the nearest 2**k
        global_burst=20,
        global_refill_log2=11,          # 10 us = 1,562.5 cycles; 2,048 is nearer than 1,024
        dup_window=7813,                # 50 us = 7,812.5 cycles, halves round up
        loss_limit=5000 * 10_000)
    assert trade.takes == {
        0: TakeConfig(True, 5_800_000, 5_900_000, 100, 781, b"AAPL    "),   # 5 us = 781.25
        1: TakeConfig(False, symbol=b"MSFT    "),     # no take, but pairs need the symbol
    }
    assert trade.slots == {0: SlotRisk(position=0, limit=10_000),
                           1: SlotRisk(position=-300, limit=100)}   # risk.position_limit
    assert trade.pairs == [PairConfig(0, 1, True, 2, -5000, 5000, 100)]
    assert (trade.session.firm, trade.session.prefix) == ("ACME", "ACME01")


def test_effective_times_are_reported():
    report = parse_config(DESIGN).conversion_report()
    assert "risk.stock_refill_us = 100 us -> 2**14 = 16,384 cycles = 104.858 us at 156.25 MHz" \
        in report
    assert "stock[0].take.cooldown_us = 5 us -> 781 cycles = 4.9984 us at 156.25 MHz" in report
    assert len(report) == 5        # two refills, dup window, one cool-down, round trip


def test_an_empty_file_gives_the_documented_defaults():
    config = parse_config("")
    assert config.trade.limits == RiskLimits(
        enable=True, collar_bps=True, collar=50, max_shares=100,
        max_notional=10_000 * 10_000, gross_limit=100_000 * 10_000,
        loss_limit=1000 * 10_000, stock_burst=2, stock_refill_log2=17, global_burst=4,
        global_refill_log2=14, dup_window=156_250)       # 1000 us x 156.25 MHz
    assert config.clock_mhz == 156.25 and config.round_trip_cycles == 3125
    assert config.tickers == {} and config.trade.pairs == []


def test_the_documented_schema_parses_and_shows_the_defaults():
    block = host.config.__doc__.split("::\n", 1)[1].split("\n:func:")[0]
    documented, defaults = parse_config(textwrap.dedent(block)), parse_config("")
    assert documented.tickers == {0: "AAPL", 1: "MSFT"} and len(documented.trade.pairs) == 1
    for name in ("limits", "session"):
        assert getattr(documented.trade, name) == getattr(defaults.trade, name)
    assert documented.clock_mhz == defaults.clock_mhz
    assert documented.round_trip_cycles == defaults.round_trip_cycles


def test_take_defaults_and_a_missing_side():
    config = parse_config('[[stock]]\nsymbol = "X"\ntake = { buy_limit = 1, max_shares = 1 }')
    assert config.trade.takes[0] == TakeConfig(True, 10_000, 0, 1, 15_625, b"X       ")  # 100 us


@pytest.mark.parametrize("us, log2", [
    (9.8304, 11),      # 1,536 cycles: exactly between 2**10 and 2**11, the slower wins
    (9.824, 10),       # 1,535 cycles
    (0.0032, 0),       # half a cycle: the nearest power of two is 1
])
def test_refill_period_is_the_nearest_power_of_two(us, log2):
    assert parse_config(f"[risk]\nstock_refill_us = {us}").trade.limits.stock_refill_log2 == log2


def test_register_maximum_is_accepted():
    config = parse_config(f"[risk]\nmax_shares = {2**32 - 1}\nmax_notional = "
                          f'"{(2**64 - 1) // 10_000}.{(2**64 - 1) % 10_000:04}"')
    assert config.trade.limits.max_shares == 2**32 - 1
    assert config.trade.limits.max_notional == 2**64 - 1


def test_card_capacities_come_from_params():
    text = TWO_STOCKS + '[[stock]]\nsymbol = "IBM"\n[[stock]]\nsymbol = "KO"\n'
    assert len(parse_config(text, params=ECP5_TRADE).tickers) == 4
    assert "stock[4]" in _problems(text + '[[stock]]\nsymbol = "GE"\n', ECP5_TRADE)


def test_result_is_immutable():
    config = parse_config(DESIGN)
    config.trade.limits.max_shares = 10**6
    config.trade.takes.clear()
    config.tickers[5] = "GE"
    assert config.trade.limits.max_shares == 1000 and len(config.trade.takes) == 2
    assert config.tickers == {0: "AAPL", 1: "MSFT"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.clock_mhz = 100.0


# --- every way it can be wrong -----------------------------------------------------------

PAIR = '[[pair]]\na = "AAPL"\nb = "MSFT"\nband_lo = "-0.50"\nband_hi = "0.50"\nqty = 10\n'
TAKE = '[[stock]]\nsymbol = "AAPL"\ntake = {{ {} }}\n'

CASES = {
    # typos
    "unknown section": ("[risks]\nmax_shares = 1", "risks",
                        "unknown section; did you mean 'risk'?"),
    "key outside its section": ("clock_mhz = 100.0\n[card]", "clock_mhz",
                                "not a section but a key of [card]"),
    "unknown key": ("[risk]\ncolar = 1", "risk.colar", "did you mean 'collar'?"),
    "unknown take key": (TAKE.format("buy_limt = 1, max_shares = 1"),
                         "stock[0].take.buy_limt", "did you mean 'buy_limit'?"),
    "unknown key, nothing close": ("[card]\nzzz = 1", "card.zzz", "known: clock_mhz"),
    # types
    "string for an integer": ('[risk]\nmax_shares = "100"', "risk.max_shares",
                              "expected an integer, got a string ('100')"),
    "boolean for an integer": ("[risk]\nmax_shares = true", "risk.max_shares",
                               "expected an integer, got a boolean (true)"),
    "float for an integer": ("[risk]\nstock_burst = 2.0", "risk.stock_burst",
                             "expected an integer"),
    "integer for a boolean": ("[risk]\nenable = 1", "risk.enable", "expected true or false"),
    "boolean for a price": (TAKE.format("buy_limit = true, max_shares = 1"),
                            "stock[0].take.buy_limit", "expected a dollar amount"),
    "text for a price": ('[risk]\ncollar = "five cents"', "risk.collar",
                         "expected a dollar amount"),
    "nan": ("[card]\nclock_mhz = nan", "card.clock_mhz", "expected a frequency in MHz"),
    "string for microseconds": ('[risk]\ndup_window_us = "50"', "risk.dup_window_us",
                                "expected a number of microseconds"),
    "section not a table": ("risk = 5", "risk", "expected a table, got an integer"),
    "stock not an array": ('[stock]\nsymbol = "AAPL"', "stock", "array of tables ([[stock]])"),
    "stock entry not a table": ("stock = [1]", "stock[0]", "expected a table"),
    "take not a table": ('[[stock]]\nsymbol = "AAPL"\ntake = 5', "stock[0].take",
                         "expected a table"),
    "missing symbol": ("[[stock]]\nposition = 0", "stock[0].symbol", "missing"),
    "missing take max_shares": (TAKE.format("buy_limit = 1"), "stock[0].take.max_shares",
                                "missing"),
    # ranges of the registers
    "negative shares": ("[risk]\nmax_shares = -1", "risk.max_shares",
                        "must not be negative, got -1"),
    "beyond 32 bits": (f"[risk]\nstock_burst = {2**32}", "risk.stock_burst",
                       "must be 0 to 4,294,967,295"),
    "negative price": ('[risk]\ncollar = "-0.01"', "risk.collar", "must not be negative"),
    "price beyond 32 bits": (TAKE.format('buy_limit = "429496.7296", max_shares = 1'),
                             "stock[0].take.buy_limit", "$429,496.7295"),
    "notional beyond 64 bits": ('[risk]\ngross_limit = "2e15"', "risk.gross_limit",
                                "must be $0.0000 to $1,844,674,407,370,955.1615"),
    "signed band below 32 bits": (TWO_STOCKS + PAIR.replace('"-0.50"', '"-214748.3649"'),
                                  "pair[0].band_lo", "must be -$214,748.3648 to $214,748.3647"),
    "position beyond signed 32 bits": ('[[stock]]\nsymbol = "A"\nposition = -2147483649',
                                       "stock[0].position", "-2,147,483,648 to"),
    "ratio zero": (TWO_STOCKS + PAIR + "ratio = 0", "pair[0].ratio", "must be 1 to 65,535"),
    "ratio beyond 16 bits": (TWO_STOCKS + PAIR + "ratio = 65536", "pair[0].ratio",
                             "must be 1 to 65,535"),
    "take of no shares": (TAKE.format("buy_limit = 1, max_shares = 0"),
                          "stock[0].take.max_shares", "must be 1 to"),
    "hedge beyond an order": (TWO_STOCKS + PAIR.replace("qty = 10", f"qty = {2**31}")
                              + "ratio = 2", "pair[0].qty", "more than an order can carry"),
    "refill beyond 2**31 cycles": ("[risk]\nglobal_refill_us = 1e8", "risk.global_refill_us",
                                   "longest refill period, 2**31 cycles"),
    "cool-down beyond 32 bits": (TAKE.format("buy_limit = 1, max_shares = 1, "
                                             "cooldown_us = 3e7"),
                                 "stock[0].take.cooldown_us", "at most 4,294,967,295"),
    "negative microseconds": (TAKE.format("buy_limit = 1, max_shares = 1, cooldown_us = -1"),
                              "stock[0].take.cooldown_us", "must be zero or more"),
    "zero clock": ("[card]\nclock_mhz = 0", "card.clock_mhz", "must be positive"),
    "zero refill": ("[risk]\nstock_refill_us = 0", "risk.stock_refill_us", "must be positive"),
    "zero round trip": ("[exchange]\nround_trip_us = 0", "exchange.round_trip_us",
                        "must be positive"),
    # prices
    "price finer than 1/10,000": (TAKE.format('buy_limit = "580.00001", max_shares = 1'),
                                  "stock[0].take.buy_limit",
                                  "580.00001 is not a whole number of 1/10,000 dollar"),
    "float price finer than 1/10,000": ("[risk]\ncollar = 0.00005", "risk.collar",
                                        "not a whole number of 1/10,000 dollar"),
    "buy limit not below the sell limit": (TAKE.format('buy_limit = "590.00", sell_limit = '
                                                       '"580.00", max_shares = 1'),
                                           "stock[0].take.sell_limit", "must be above"),
    # stocks
    "more stocks than slots": ("".join(f'[[stock]]\nsymbol = "S{i}"\n' for i in range(17)),
                               "stock[16]", "17 stocks, but the card has 16 trading slots"),
    "duplicate symbol": (TWO_STOCKS + '[[stock]]\nsymbol = "AAPL"\n', "stock[2].symbol",
                         "'AAPL' is the symbol of stock[0] too"),
    "symbol too long": ('[[stock]]\nsymbol = "ABCDEFGHI"', "stock[0].symbol",
                        "longer than 8 characters"),
    "symbol not ASCII": ('[[stock]]\nsymbol = "ÄPL"', "stock[0].symbol", "not ASCII"),
    "symbol with a space": ('[[stock]]\nsymbol = "BRK A"', "stock[0].symbol", "space"),
    "empty symbol": ('[[stock]]\nsymbol = ""', "stock[0].symbol", "is empty"),
    # pairs
    "pair of an unknown stock": (TWO_STOCKS + PAIR.replace('b = "MSFT"', 'b = "MSTF"'),
                                 "pair[0].b", "not the symbol of any [[stock]]; did you mean "
                                 "'MSFT'?"),
    "pair of one stock": (TWO_STOCKS + PAIR.replace('b = "MSFT"', 'b = "AAPL"'),
                          "pair[0].b", "is the same stock as a"),
    "more pairs than the card has": (TWO_STOCKS + PAIR * 5, "pair[4]",
                                     "5 pairs, but the card has 4 pairs entries"),
    "band upside down": (TWO_STOCKS + PAIR.replace('"-0.50"', '"0.60"'), "pair[0].band_lo",
                         "0.60 is above band_hi (0.50)"),
    "missing band": (TWO_STOCKS + PAIR.replace('band_hi = "0.50"\n', ""), "pair[0].band_hi",
                     "missing"),
    # risk
    "collar given both ways": ('[risk]\ncollar = "0.05"\ncollar_bps = 50', "risk.collar",
                               "not both"),
    # times that vanish
    "cool-down below a cycle": (TAKE.format("buy_limit = 1, max_shares = 1, "
                                            "cooldown_us = 0.001"),
                                "stock[0].take.cooldown_us", "0.001 us is 0 cycles at 156.25"),
    "duplicate window below half a cycle": ("[risk]\ndup_window_us = 0.003",
                                            "risk.dup_window_us", "is 0 cycles"),
    "refill below half a cycle": ("[risk]\nstock_refill_us = 0.0031", "risk.stock_refill_us",
                                  "is 0 cycles"),
    "slow clock": ("[card]\nclock_mhz = 0.001\n[exchange]\nround_trip_us = 20",
                   "exchange.round_trip_us", "is 0 cycles at 0.001 MHz"),
    # order
    "short firm": ('[order]\nfirm = "AB"', "order.firm", "exactly 4 characters"),
    "long prefix": ('[order]\nclordid_prefix = "TKFG0001"', "order.clordid_prefix",
                    "longer than 6 characters"),
}


@pytest.mark.parametrize("text, path, what", CASES.values(), ids=CASES.keys())
def test_error_names_the_toml_path(text, path, what):
    problems = _problems(text)
    assert path in problems, problems
    assert what in problems[path]


def test_every_error_is_reported_at_once(tmp_path):
    path = tmp_path / "cfg.toml"
    path.write_text('[risk]\ncolar = "0.05"\nmax_shares = -5\n[[stock]]\nsymbol = "TOOLONGSYM"\n'
                    '[[stock]]\nsymbol = "MSFT"\ntake = { buy_limit = "1.000001", '
                    'max_shares = 1 }\n[[pair]]\na = "MSFT"\nb = "MSFT"\nband_lo = 1\n'
                    'band_hi = 0\nqty = 1\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = str(caught.value).splitlines()
    assert lines == [
        f"{path}: risk.colar: unknown key; did you mean 'collar'?",
        f"{path}: risk.max_shares: must not be negative, got -5",
        f"{path}: stock[0].symbol: 'TOOLONGSYM' is longer than 8 characters",
        f"{path}: stock[1].take.buy_limit: 1.000001 is not a whole number of 1/10,000 dollar "
        "(prices have four decimals at most)",
        f"{path}: pair[0].b: is the same stock as a; a pair needs two",
        f"{path}: pair[0].band_lo: 1 is above band_hi (0)",
    ]


def test_a_bad_entry_returns_nothing_even_among_good_ones():
    with pytest.raises(ConfigError) as caught:
        parse_config(DESIGN.replace("qty = 100", "qty = 0"), "design.toml")
    assert isinstance(caught.value, UserError)
    assert caught.value.problems == (("pair[0].qty", "must be 1 to 4,294,967,295, got 0"),)
    assert str(caught.value) == "design.toml: pair[0].qty: must be 1 to 4,294,967,295, got 0"


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.toml")
    assert str(caught.value) == f"{tmp_path / 'absent.toml'}: no such file"
    assert caught.value.exit_code == EXIT_USAGE


def test_not_toml_gives_the_line_and_column(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[risk]\nmax_shares = 100\nmax_notional = = 5\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: line 3, column 16: not valid TOML: ")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[[stock]]\nsymbol = "\xc4PL"\n')
    with pytest.raises(ConfigError, match="not UTF-8 text \\(byte offset 20\\)"):
        load_config(path)


def test_check_symbols_against_the_day():
    config = parse_config(DESIGN, "design.toml")
    check_symbols(config, {"AAPL", "MSFT", "IBM"})
    with pytest.raises(ConfigError) as caught:
        check_symbols(config, {"AAPL", "MSFTX", "IBM"})
    assert caught.value.exit_code == EXIT_NOT_FOUND
    assert str(caught.value) == ("design.toml: stock[1].symbol: 'MSFT' is not in the day's "
                                 "stock directory; did you mean 'MSFTX'?")
