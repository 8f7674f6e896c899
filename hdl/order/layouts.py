"""What the order-entry block reports, and the contract of its transmit side.

:data:`SENT_LAYOUT` is one record per order frame that the block began on the wire, whether
it completed or was aborted, so the host's copy of the TCP session (next sequence number,
next UserRefNum) stays in step with the card's: a completed frame advanced the sequence by
``length`` and the UserRefNum by one; an aborted one advanced neither (the MAC discarded it,
the exchange never saw it). A Cancel Order frame (``cancel``, from the host's command
stream) advances the sequence by its ``length`` and never the UserRefNum.

Aborts. Orders are decided from book records whose feed frame's verdict may still be to
come (speculation, :mod:`hdl.strategy.layouts`). A frame in flight whose verdict is a
withdraw ends on its next beat with ``last = 1, error = 1``, which a MAC turns into a bad
FCS (``abort_withdrawn``). A frame that reaches its final beat with the verdict still open
ends with the error flag too (``abort_late``) and the order waits at the head of the queue
for its verdict: it is sent again on a commit and dropped on a withdraw. A MAC transmit
stream must not pause inside a frame, so the frame cannot simply wait for the verdict.
"""

from __future__ import annotations

from amaranth.lib import data

from hdl.book.layouts import PRICE_BITS, SHARES_BITS
from hdl.strategy.layouts import TIME_BITS

__all__ = ["SENT_LAYOUT", "CANCEL_LAYOUT"]

SENT_LAYOUT = data.StructLayout({
    "user_ref_num": 32,          # the order's UserRefNum
    "seq": 32,                   # TCP sequence number of the segment's first payload byte
    "length": 16,                # TCP payload bytes (SoupBinTCP packet)
    "slot": 8,
    "sell": 1,
    "price": PRICE_BITS,
    "shares": SHARES_BITS,
    "aborted": 1,                # ended with the MAC error flag: not on the exchange
    "late": 1,                   # with aborted: the verdict was still open at the last beat
    "time": TIME_BITS,           # cycle counter when the frame's first beat went out
    "sequence": 64,              # MoldUDP64 sequence number of the triggering message, or
                                 # the host command's tag (source HOST, or a cancel)
    "source": 2,                 # hdl.strategy.layouts.Source of the order
    "cancel": 1,                 # a Cancel Order: user_ref_num is the order's, shares the
                                 # shares left on it; slot, sell and price are 0
})

#: One Cancel Order to send: the order's UserRefNum, the shares to leave on it (0 cancels
#: it) and the host command's tag, which the ``sent`` record carries in ``sequence``.
CANCEL_LAYOUT = data.StructLayout({
    "user_ref_num": 32,
    "quantity": 32,
    "tag": 64,
})
