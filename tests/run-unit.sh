#!/bin/sh
# Runs a GTest program with TAP output for automake's TAP driver.
exec "$@" --tap
