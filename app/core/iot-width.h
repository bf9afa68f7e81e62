/* SPDX-License-Identifier: GPL-3.0-or-later
 * Display width of UTF-8 text in terminal cells (CJK wide characters take
 * two, combining marks none): measuring, truncating with an ellipsis, padding
 * and word-wrapping for column layouts. UI-free, so it is unit-tested.
 */
#pragma once

#include <glib.h>

int iot_width_char (gunichar c);
int iot_width (const char *utf8);
char *iot_width_truncate (const char *utf8, int width);
char *iot_width_pad (const char *utf8, int width);
GPtrArray *iot_width_wrap (const char *utf8, int width);
