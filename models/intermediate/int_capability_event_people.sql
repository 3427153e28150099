{#- WDES metric 3: the people entering the formal capability process in each reported year (at least one
    employee-relations row of case type Capability, any case, with formal_start_date in the event period),
    whether or not they are in the workforce population, with their ethnic group for events and their
    disability, sex and age band from the same snapshot row: the rule of indicator 3 (macro event_people) with
    the capability process instead of the disciplinary one. -#}

{{ event_people(
    reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
    people_by_snapshot=rebuild_scope(ref('int_people_by_snapshot')),
    cases=rebuild_scope(ref('stg_employee_relations__cases')),
    case_types=['capability'],
    carried_columns=['disability', 'sex', 'age_band']
) }}
