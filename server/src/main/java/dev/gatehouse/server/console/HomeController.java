package dev.gatehouse.server.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The console's home: who is signed in, and the screens they may open (the menu's entries, as cards). */
@Controller
class HomeController {

    static final String HOME = "/console";

    @GetMapping({HOME, HOME + "/"})
    String home() {
        return "console/home";
    }
}
