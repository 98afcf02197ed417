package io.github.airflowdbreconcile.map.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void shouldMaskPasswordInUserInfo() {
        assertEquals("postgresql+psycopg2://airflow:***@db:5432/airflow?sslmode=require",
                Urls.mask("postgresql+psycopg2://airflow:s3cr3t@db:5432/airflow?sslmode=require"));
    }

    @Test
    void shouldMaskPasswordContainingAtSign() {
        assertEquals("https://bot:***@github.com/apache/airflow.git",
                Urls.mask("https://bot:p@ss@github.com/apache/airflow.git"));
    }

    @Test
    void shouldMaskPasswordQueryParameters() {
        assertEquals("jdbc:postgresql://db/airflow?user=a&password=***&ssl=true",
                Urls.mask("jdbc:postgresql://db/airflow?user=a&password=hunter2&ssl=true"));
    }

    @Test
    void shouldLeaveUrlsWithoutSecretsAlone() {
        assertEquals("https://github.com/apache/airflow.git", Urls.mask("https://github.com/apache/airflow.git"));
        assertEquals("postgresql://airflow@db/airflow", Urls.mask("postgresql://airflow@db/airflow"));
    }

    @Test
    void shouldMaskEveryUrlInsideAMessage() {
        assertEquals("https://bot:***@example.org/a.git: not authorized; tried git://u:***@mirror/a.git",
                Urls.maskAll("https://bot:s3cret@example.org/a.git: not authorized; tried git://u:pw@mirror/a.git"));
    }
}
