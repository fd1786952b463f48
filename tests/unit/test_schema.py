from jobs import schema


def test_required_columns_are_raw_columns():
    assert set(schema.REQUIRED_COLUMNS) <= set(schema.RAW_COLUMNS)
    assert len(schema.RAW_COLUMNS) == len(set(schema.RAW_COLUMNS)) == 24


def test_feature_group_types_cover_the_feature_table():
    assert set(schema.FEATURE_GROUP_TYPES) == set(schema.FEATURE_TABLE_COLUMNS)
    assert schema.FEATURE_GROUP_TYPES[schema.EVENT_TIME] == "String"


def test_event_time_string_is_iso_8601_utc():
    assert schema.event_time_string("2020-02-29") == "2020-02-29T00:00:00Z"
