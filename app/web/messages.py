"""Messages of other layers that respondent pages show, marked here for the catalogues.

Error pages translate a domain error's title and detail when the catalogue knows the
sentence; fixed sentences raised below the web layer are listed here so that extraction
finds them (a test checks that they still match their source).
"""

from app.i18n import N_

ERROR_TITLES = [
    N_("Bad request"),
    N_("Not found"),
    N_("Conflict"),
    N_("Invalid input"),
    N_("Invalid answers"),
    N_("No longer available"),
    N_("Forbidden"),
    N_("Authentication required"),
    N_("Invalid token"),
    N_("Insufficient scope"),
    N_("Precondition failed"),
    N_("Precondition required"),
    N_("Malformed JSON"),
    N_("Too many requests"),
    N_("Request too large"),
    N_("Method not allowed"),
    N_("Service unavailable"),
    N_("Language not offered"),
    N_("Internal error"),
    N_("Error"),
]
SERVICE_MESSAGES = [
    N_(
        "This invitation link is unknown, has expired or has already been used. If you have "
        "already started with it, continue with your personal link: it was shown after you "
        "agreed to the data protection notice and when you saved to continue later."
    ),
    N_("This round is closed: answers can no longer be given."),
]
FIELD_LABELS = [
    N_("project name"),
    N_("project slug"),
    N_("round name"),
    N_("label"),
    N_("token name"),
    N_("name"),
    N_("e-mail address"),
    N_("stakeholder group"),
    N_("minimum group size"),
    N_("use limit"),
    N_("expiry"),
    N_("opening time"),
    N_("closing time"),
    N_("privacy notice"),
    N_("notice version"),
]
"""Names of fields that services check with :mod:`app.limits` (its messages name them; pages
show them translated)."""
