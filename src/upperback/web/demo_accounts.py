"""The demo logins, kept free of Django imports so the launcher can print them."""

DEMO_PASSWORD = "upperback-demo"
DEMO_PATIENT = "patient@demo.upperback.example"
DEMO_CLINICIAN = "clinician@demo.upperback.example"


def demo_logins() -> list[tuple[str, str, str]]:
    return [("patient", DEMO_PATIENT, DEMO_PASSWORD), ("clinician", DEMO_CLINICIAN, DEMO_PASSWORD)]
