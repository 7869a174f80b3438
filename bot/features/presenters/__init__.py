"""The feature presenter and the education slot: who presents at which meeting, the rotation, swaps."""
