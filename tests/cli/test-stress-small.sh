#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The small version of tests/stress/scale-faults.sh for make check: scale 1
# (156 PCI functions), a kill after every write of a three-group bind, one
# round of 16 parallel binds and one of 8 binds of one group.  `make stress`
# runs the full one (scale 8, five rounds).
: "${TOP:?}"
export STRESS_SCALE=${STRESS_SCALE:-1} STRESS_ROUNDS=${STRESS_ROUNDS:-1}
exec bash "$TOP/tests/stress/scale-faults.sh"
