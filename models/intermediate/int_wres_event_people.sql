{#- The people counted by indicators 3 and 4 in each reported year, with their ethnic group for events:
    - disciplinary: at least one employee-relations row of case type Disciplinary with formal_start_date in the
      event period;
    - training: at least one training row whose category is not mandatory (seed training_categories) with
      activity_date in the event period;
    whether or not the person is in the workforce population. The group comes from the latest snapshot on or
    before 31 March in which the person has any row (Bank and Honorary included); failing that, from the
    event row's own ethnic_origin (the first qualifying row, files in name order and rows in file order), and
    Unknown where the source has no such column (training). The person's disability, sex and age band come from
    the same snapshot row (null without one) for the equality engine. The rule is macro event_people, shared
    with int_capability_event_people. -#}

{{ event_people(
    reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
    people_by_snapshot=rebuild_scope(ref('int_people_by_snapshot')),
    cases=rebuild_scope(ref('stg_employee_relations__cases')),
    case_types=['disciplinary'],
    activities=rebuild_scope(ref('stg_training__activities')),
    training_categories=ref('training_categories'),
    carried_columns=['disability', 'sex', 'age_band']
) }}
