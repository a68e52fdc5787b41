"""Care: the patient's care over time, read from the care record: the result, review and
queue pages, check-ins and progress, charts, the timeline, both PDF reports, the FHIR export
and the weekly check-in reminder. It sits above the feature apps (scheduling, media,
choosing, messaging), which sit above records (the door, the intake and the episode store)."""
