/* SPDX-License-Identifier: GPL-3.0-or-later
 * Shared by the fuzz targets in tests/fuzz/: a reader that takes typed
 * values from the fuzzer's bytes, TXT records in their wire format, a small
 * language of discovery events that drives a device registry, and the
 * checks ("oracles") every target applies to what the core hands back.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "app/core/iot-registry.h"
#include "app/core/iot-txt.h"

/* The libFuzzer entry point each target defines; also called by the corpus
 * replay driver (replay-main.c) under `make check`. */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Consumes the fuzzer's bytes front to back; reads past the end give
 * zeros and empty strings, so every input is a valid program. */
typedef struct
{
  const guint8 *data;
  gsize len, pos;
} FuzzInput;

void fuzz_init (void);
void fuzz_input_init (FuzzInput *in, const guint8 *data, gsize len);
gboolean fuzz_input_done (const FuzzInput *in);
guint8 fuzz_take_u8 (FuzzInput *in);
guint16 fuzz_take_u16 (FuzzInput *in);
const guint8 *fuzz_take_bytes (FuzzInput *in, gsize want, gsize *got);
char *fuzz_take_cstring (FuzzInput *in);

IotTxt *fuzz_txt_from_rdata (const guint8 *rdata, gsize len, guint *n_items);
void fuzz_feed_registry (IotRegistry *reg, FuzzInput *in);

/* Oracles: each one aborts with a message naming what was wrong. */
void fuzz_fail (const char *what, const char *detail) G_GNUC_NORETURN;
void fuzz_check_display_text (const char *text, gsize max_bytes, const char *what);
void fuzz_check_wrap (const char *text, int width);
void fuzz_check_device (const IotDevice *device);
