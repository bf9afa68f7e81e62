/* SPDX-License-Identifier: GPL-3.0-or-later
 * A device's check report: its identity, the date, and each of the 13
 * guidelines' result with the evidence and references (UK Code of Practice,
 * ETSI EN 303 645, UK PSTI, EU CRA). As JSON (schema "iotsetup.check/1",
 * documented in README.md), plain text, or printable HTML. Reports hold
 * only sanitized evidence, never a secret; files are written atomically.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "iot-check.h"

#define IOT_CHECK_SCHEMA "iotsetup.check/1"

typedef enum
{
  IOT_REPORT_TEXT,
  IOT_REPORT_JSON,
  IOT_REPORT_HTML,
} IotReportFormat;

typedef struct _IotReport IotReport;

/* @runner: a run that finished successfully. */
IotReport *iot_report_new (const IotDevice *device, const IotProfile *profile,
                           const IotGuidelines *guidelines, IotCheckRunner *runner,
                           GDateTime *date);
/* A report from results decided elsewhere (IotCheckResult*, not consumed),
 * such as the setup wizard's observations. */
IotReport *iot_report_new_from_results (const IotDevice *device, const IotProfile *profile,
                                        const IotGuidelines *guidelines, GPtrArray *results,
                                        GDateTime *date);
void iot_report_free (IotReport *report);
IotCheckStatus iot_report_get_worst (const IotReport *report);
IotCheckStatus iot_report_get_status (const IotReport *report, guint guideline);

gboolean iot_report_format_from_string (const char *name, IotReportFormat *format);
JsonNode *iot_report_to_json (const IotReport *report);
char *iot_report_to_text (const IotReport *report);
char *iot_report_to_html (const IotReport *report);
char *iot_report_to_format (const IotReport *report, IotReportFormat format);
gboolean iot_report_write (const IotReport *report, IotReportFormat format, const char *path,
                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotReport, iot_report_free)
