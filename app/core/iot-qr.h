/* SPDX-License-Identifier: GPL-3.0-or-later
 * QR codes: UTF-8 text to a module matrix (libqrencode, 8-bit mode) with the
 * strongest error correction that still fits the space on screen, and the
 * renderings the TUI and the CLI share: half blocks, two characters per
 * module, SVG and PNG. UI-free, so tests can render and decode them.
 */
#pragma once

#include <glib.h>

#define IOT_QR_ERROR (iot_qr_error_quark ())

typedef enum
{
  IOT_QR_ERROR_EMPTY,    /* nothing to encode */
  IOT_QR_ERROR_TOO_LONG, /* more than IOT_QR_MAX_INPUT bytes */
  IOT_QR_ERROR_INVALID,  /* not UTF-8 */
  IOT_QR_ERROR_TOO_BIG,  /* the symbol does not fit the space available */
  IOT_QR_ERROR_FAILED,   /* libqrencode gave up */
} IotQrError;

/* Error correction levels, weakest first (the order of QRecLevel). */
typedef enum
{
  IOT_QR_EC_L, /* ~7 % of the symbol can be damaged */
  IOT_QR_EC_M, /* ~15 % */
  IOT_QR_EC_Q, /* ~25 % */
  IOT_QR_EC_H, /* ~30 % */
} IotQrEcLevel;

/* The longest text we encode, in bytes. A version 40 symbol at level L
 * holds 2953 bytes, but such a code needs a 185-column terminal and is hard
 * to scan; nothing the assistant shows (URLs, Wi-Fi credentials) is near
 * this, so the bound only keeps hostile input from costing anything. */
#define IOT_QR_MAX_INPUT 2048

/* The quiet zone the QR specification asks for around a symbol, in modules. */
#define IOT_QR_QUIET_ZONE 4

/* How a symbol is laid out in terminal character cells. */
typedef enum
{
  IOT_QR_CELLS_HALFBLOCKS, /* one cell per module wide, two modules per cell high */
  IOT_QR_CELLS_TWO_CHARS,  /* two cells per module wide, one module per cell high */
} IotQrCells;

typedef struct _IotQr IotQr;

GQuark iot_qr_error_quark (void);

IotQr *iot_qr_new (const char *text, int max_modules, GError **error);
void iot_qr_free (IotQr *qr);
int iot_qr_get_size (const IotQr *qr);
int iot_qr_get_version (const IotQr *qr);
IotQrEcLevel iot_qr_get_ec_level (const IotQr *qr);
gboolean iot_qr_module (const IotQr *qr, int x, int y);
int iot_qr_min_modules (const char *text, GError **error);

int iot_qr_max_modules (IotQrCells cells, int cols, int rows, int quiet);
void iot_qr_cells_needed (IotQrCells cells, int modules, int quiet, int *cols, int *rows);

GPtrArray *iot_qr_render_halfblocks (const IotQr *qr, int quiet);
GPtrArray *iot_qr_render_ascii (const IotQr *qr, int quiet);
char *iot_qr_to_svg (const IotQr *qr, int quiet);
GBytes *iot_qr_to_png (const IotQr *qr, int quiet, int scale, GError **error);

/* Wi-Fi join codes (the "WIFI:" scheme phones read):
 * WIFI:T:<WPA|WEP|SAE|nopass>;S:<ssid>;P:<password>;H:true;;
 * with \ ; , : " escaped by a backslash in S and P; P is left out for
 * nopass, H unless the network is hidden. */
char *iot_wifi_qr_escape (const char *text);
char *iot_wifi_qr_text (const char *type, const char *ssid, const char *password,
                        gboolean hidden);
void iot_str_wipe_free (char *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotQr, iot_qr_free)
