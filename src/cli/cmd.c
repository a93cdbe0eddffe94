#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "common/i18n.h"

void
cmd_error(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;

	(void)fprintf(stderr, "%s: ", ctx->progname);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

int
cmd_usage_error(const struct cmd_ctx *ctx, const struct cmd_entry *e, const char *why)
{
	if (why != NULL)
		cmd_error(ctx, "%s", why);
	(void)fprintf(stderr, _("Usage: %s %s %s\n"), ctx->progname, e->name, _(e->usage));
	(void)fprintf(stderr, _("Try '%s --help' for more information.\n"), ctx->progname);
	return CMD_EXIT_USAGE;
}
