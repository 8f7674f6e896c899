"""Hypothesis strategies shared by the protocol tests: values for any field table."""

from hypothesis import strategies as st


def layout_values(layout):
    """A hypothesis strategy for a dict of valid values for every field of ``layout``."""
    fields = {}
    for f in layout.fields:
        if f.kind in ("int", "price8"):
            bound = 1 << (8 * f.size - 1)
            fields[f.name] = st.integers(-bound, bound - 1)
        elif f.kind in ("uint", "price4"):
            fields[f.name] = st.integers(0, (1 << 8 * f.size) - 1)
        elif f.kind == "alpha":
            size = (1, 1) if f.size == 1 else (0, f.size)
            fields[f.name] = st.text("ABCXYZ019 "[: 9 if f.size > 1 else 10],
                                     min_size=size[0], max_size=size[1])
        else:
            fields[f.name] = st.binary(min_size=f.size, max_size=f.size)
    return st.fixed_dictionaries(fields)
