"""Pure domain logic: dataclasses in, dataclasses out; no Django import (a test enforces it)."""
