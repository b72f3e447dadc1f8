package dev.newsstream.web;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Chromium for a test class, as a JUnit extension ({@code @RegisterExtension static final
 * Chromium chromium = new Chromium();}): started before the class's first test in a throwaway
 * profile, quit and its profile deleted after the last. Debian's chromium and chromium-driver; without
 * them the class is skipped, unless {@code -Dnewsstream.it.requireBrowser=true} (CI) makes it fail.
 */
final class Chromium implements BeforeAllCallback, AfterAllCallback {

    static final String BINARY = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";

    private ChromeDriver driver;
    private Path profile;

    /** The browser of the running class. */
    ChromeDriver driver() {
        if (driver == null) throw new IllegalStateException("Chromium is started before a class's first test");
        return driver;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        boolean installed = new File(BINARY).canExecute() && new File(DRIVER).canExecute();
        String missing = "install Debian's chromium and chromium-driver (see .ci/run)";
        // a newcomer's `mvn verify` skips the browser tests without the browser; CI requires them
        if (Boolean.getBoolean("newsstream.it.requireBrowser")) assertTrue(installed, missing);
        else Assumptions.assumeTrue(installed, missing);
        // Selenium Manager would go looking for (and downloading) a driver; with the driver given here and
        // the browser binary in the options it has nothing to do, and the FINE log below shows it is skipped.
        System.setProperty("webdriver.chrome.driver", DRIVER);
        showSeleniumManagerDecisions();
        profile = Files.createTempDirectory("newsstream-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(ofSeconds(30)).scriptTimeout(ofSeconds(10));
    }

    private static void showSeleniumManagerDecisions() {
        for (String name : List.of("org.openqa.selenium.remote.service.DriverFinder", "org.openqa.selenium.manager.SeleniumManager")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.FINE);
            ConsoleHandler handler = new ConsoleHandler();
            handler.setLevel(Level.FINE);
            logger.addHandler(handler);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (driver != null) driver.quit();
        } finally {
            driver = null;
            if (profile != null) {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
                profile = null;
            }
        }
    }
}
