/* SPDX-License-Identifier: GPL-3.0-or-later
 * The QR view: a code drawn in the body area in explicit black and white,
 * in half blocks where the terminal can show them, else two cells a module.
 * It refuses to draw a code that does not fit and says so instead.
 */
#pragma once

#include "app/core/iot-qr.h"
#include "ui.h"

IotQrCells ui_qr_cells (void);
int ui_qr_max_modules (int rows, int cols);
void ui_qr_size (const IotQr *qr, int *rows, int *cols);
gboolean ui_qr (IotUi *ui, int row, int col, const IotQr *qr);
