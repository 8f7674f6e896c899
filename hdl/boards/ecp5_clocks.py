"""Clocks and resets of an ECP5 board from one 100 MHz oscillator: an EHXPLLL and reset
synchronisers.

The PLL runs its VCO at 625 MHz (100 MHz / 4 x 5 x 5: the phase detector at 25 MHz and the
VCO within the part's 400-800 MHz) and makes three clocks:

- ``eth_tx``: 125 MHz (CLKOP, also the PLL's feedback), the gigabit transmit clock;
- ``eth_tx90``: 125 MHz 90 degrees later (CLKOS), for an RGMII transmit clock that must be
  centred in the data eye when the PHY adds no delay of its own;
- ``sync``: the core clock (CLKOS2), 625 MHz divided by a whole number.

Each domain's reset is held while the PLL is unlocked or the board's reset button is
pressed, and released synchronously to its own clock (``ResetSynchronizer``), so no flop
leaves reset on a different edge from its neighbours.

The core's reset reaches about 21,000 flip-flops (every LSR input of the card), which
nextpnr would otherwise route through the general interconnect as one net; so it leaves
its synchroniser through a DCCA onto a global network, as a clock does
(:data:`GLOBAL_RESETS`).
"""

from __future__ import annotations

from amaranth import ClockDomain, ClockSignal, Elaboratable, Instance, Module, ResetSignal, Signal
from amaranth.lib.cdc import ResetSynchronizer

__all__ = ["REF_MHZ", "VCO_MHZ", "ETH_MHZ", "DOMAINS", "GLOBAL_RESETS", "core_divider",
           "pll_parameters", "board_domains", "BoardClocks"]

REF_MHZ = 100.0
_CLKI_DIV, _CLKFB_DIV, _CLKOP_DIV = 4, 5, 5
ETH_MHZ = REF_MHZ / _CLKI_DIV * _CLKFB_DIV                   # 125: feedback from CLKOP
VCO_MHZ = ETH_MHZ * _CLKOP_DIV                               # 625
# A zero-phase output is aligned with CLKOP by giving it CLKOP's coarse phase; each further
# coarse step is one VCO period, each fine step an eighth of one.
_BASE_CPHASE = (_CLKOP_DIV - 1) // 2


def core_divider(core_mhz: float) -> int:
    """The CLKOS2 divider whose output is closest to ``core_mhz``."""
    div = round(VCO_MHZ / core_mhz)
    if not 1 <= div <= 128:
        raise ValueError(f"{core_mhz} MHz is not 625 MHz divided by 1..128")
    return div


def _phase(div: int, degrees: float) -> dict:
    eighths = round(degrees / 360 * div * 8)
    return {"CPHASE": _BASE_CPHASE + eighths // 8, "FPHASE": eighths % 8}


#: PLL output -> the domain it clocks.
_OUTPUTS = {"CLKOP": "eth_tx", "CLKOS": "eth_tx90", "CLKOS2": "sync"}
#: The domains :class:`BoardClocks` drives.
DOMAINS = tuple(_OUTPUTS.values())
#: Domains whose reset is driven onto a global network (a DCCA), for its fanout.
GLOBAL_RESETS = ("sync",)


def board_domains() -> list[ClockDomain]:
    """The :data:`DOMAINS`, for the board top to add (``m.domains += board_domains()``)."""
    return [ClockDomain(name) for name in DOMAINS]


def pll_parameters(core_div: int) -> dict:
    """The EHXPLLL's parameters (``p_``) and attributes (``a_``) as ``Instance`` takes them."""
    params = {"p_PLLRST_ENA": "DISABLED", "p_INTFB_WAKE": "DISABLED",
              "p_STDBY_ENABLE": "DISABLED", "p_DPHASE_SOURCE": "DISABLED",
              "p_OUTDIVIDER_MUXA": "DIVA", "p_OUTDIVIDER_MUXB": "DIVB",
              "p_OUTDIVIDER_MUXC": "DIVC", "p_OUTDIVIDER_MUXD": "DIVD",
              "p_CLKI_DIV": _CLKI_DIV, "p_CLKFB_DIV": _CLKFB_DIV, "p_FEEDBK_PATH": "CLKOP",
              "a_FREQUENCY_PIN_CLKI": f"{REF_MHZ:g}",
              # the loop filter settings nextpnr and ecppll use for this VCO
              "a_ICP_CURRENT": "12", "a_LPF_RESISTOR": "8",
              "a_MFG_ENABLE_FILTEROPAMP": "1", "a_MFG_GMCREF_SEL": "2"}
    for pin, div, degrees in (("CLKOP", _CLKOP_DIV, 0), ("CLKOS", _CLKOP_DIV, 90),
                              ("CLKOS2", core_div, 0)):
        phase = _phase(div, degrees)
        params.update({f"p_{pin}_ENABLE": "ENABLED", f"p_{pin}_DIV": div,
                       f"p_{pin}_CPHASE": phase["CPHASE"], f"p_{pin}_FPHASE": phase["FPHASE"],
                       f"a_FREQUENCY_PIN_{pin}": f"{VCO_MHZ / div:g}"})
    return params


class BoardClocks(Elaboratable):
    """Drives the clocks and resets of the :data:`DOMAINS` (see the module docs), which the
    board top defines (a domain is defined where every user of it can see it).

    Parameters
    ----------
    clk_in : Signal
        The 100 MHz oscillator, from its input buffer.
    reset_in : Signal
        High while the board's reset button is pressed.
    core_mhz : float
        Wanted core clock; the nearest 625 / N MHz is used (:attr:`core_hz`).

    Attributes
    ----------
    locked : Signal, out
        The PLL is locked (synchronous to nothing: for an LED).
    reset : Signal, out
        High while the PLL is unlocked or the button is pressed (asynchronous: for other
        domains' reset synchronisers and the PHY's reset pin).
    """

    def __init__(self, clk_in, reset_in, core_mhz: float):
        self.clk_in, self.reset_in = clk_in, reset_in
        self.core_div = core_divider(core_mhz)
        self.core_hz = VCO_MHZ * 1e6 / self.core_div
        self.locked = Signal()
        self.reset = Signal()

    def elaborate(self, platform):
        m = Module()
        clocks = {name: Signal(name=f"{name}_clk") for name in DOMAINS}
        outputs = {pin: clocks[name] for pin, name in _OUTPUTS.items()}
        m.submodules.pll = Instance(
            "EHXPLLL", **pll_parameters(self.core_div),
            **{f"o_{pin}": clk for pin, clk in outputs.items()},
            i_CLKI=self.clk_in, i_CLKFB=clocks["eth_tx"], i_RST=0, i_STDBY=0,
            i_PHASESEL0=0, i_PHASESEL1=0, i_PHASEDIR=1, i_PHASESTEP=1, i_PHASELOADREG=1,
            i_PLLWAKESYNC=0, i_ENCLKOP=0, o_LOCK=self.locked)

        m.d.comb += self.reset.eq(~self.locked | self.reset_in)
        for name, clk in clocks.items():
            m.d.comb += ClockSignal(name).eq(clk)
            if name not in GLOBAL_RESETS:
                m.submodules[f"rst_{name}"] = ResetSynchronizer(self.reset, domain=name)
                continue
            # Synchronised in a private domain on the same clock, then buffered onto a
            # global network (a DCCA's output is routed as one by nextpnr).
            source = ClockDomain(f"{name}_reset_source", local=True)
            m.domains += source
            m.d.comb += ClockSignal(source.name).eq(clk)
            m.submodules[f"rst_{name}"] = ResetSynchronizer(self.reset, domain=source.name)
            m.submodules[f"rst_{name}_global"] = Instance(
                "DCCA", i_CLKI=ResetSignal(source.name), i_CE=1, o_CLKO=ResetSignal(name))
        # No clock constraints here: nextpnr derives each output's from the oscillator's
        # (the platform constrains clk100) through the dividers, under its own net names.
        return m
