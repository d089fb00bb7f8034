/*
 * i18n.h: the library's messages in the user's language (GNU gettext).
 *
 * _("text") is the text in the language LANGUAGE / LC_MESSAGES choose,
 * from the "tm" catalogue, which the library binds itself on first use so
 * that any program linking libtm gets its messages translated (the
 * program still picks the locale with setlocale).  N_("text") marks a
 * text for the catalogue where it is stored (tables), to be translated
 * with _() where it is shown.  Catalogues are UTF-8 whatever the locale's
 * character set, as all of libtm's text is.  Built with --disable-nls,
 * every text stays as written.
 *
 * Machine formats (JSON, TMX, XLIFF, TSV) never go through _(); the
 * English of an error message stays available for them
 * (tm__error_neutral in tm-int.h).
 */
#ifndef TM_I18N_H
#define TM_I18N_H

#if defined(__GNUC__)
#define TM__FORMAT_ARG(a) __attribute__((format_arg(a)))
#else
#define TM__FORMAT_ARG(a)
#endif

#ifdef ENABLE_NLS
const char *tm__gettext(const char *msgid) TM__FORMAT_ARG(1);
const char *tm__ngettext(const char *one, const char *many,
    unsigned long n) TM__FORMAT_ARG(1) TM__FORMAT_ARG(2);
#define _(s) tm__gettext(s)
#define P_(one, many, n) tm__ngettext((one), (many), (n))
#else
#define _(s) ((const char *)(s))
#define P_(one, many, n) ((n) == 1 ? (const char *)(one) : (const char *)(many))
#endif
#define N_(s) s

#endif /* TM_I18N_H */
