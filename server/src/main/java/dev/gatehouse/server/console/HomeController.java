package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The console's home: what needs the signed-in person's attention (issue 16), as counts linking to
 * the screen that lists them, from every feature's {@link Attention}; each feature shows only what
 * the person may see, so nobody meets a card they cannot open. When everything checked is at zero,
 * the page says "all clear" and what it checked. Below, the screens they may open.
 */
@Controller
class HomeController {

    static final String HOME = "/console";

    private final List<Attention> sources;
    private final Clock clock;

    HomeController(List<Attention> sources, Clock clock) {
        this.sources = sources;
        this.clock = clock;
    }

    @GetMapping({HOME, HOME + "/"})
    String home(@AuthenticationPrincipal Caller caller, Model model) {
        Instant now = clock.instant();
        List<Attention.Card> cards = new ArrayList<>();
        if (caller.requiredActions().isEmpty()) {
            sources.forEach(source -> cards.addAll(source.cardsFor(caller, now)));
        }
        cards.sort(Comparator.comparing(Attention.Card::id));
        model.addAttribute("waiting", cards.stream().filter(card -> card.count() > 0).toList());
        model.addAttribute("clear", cards.stream().filter(card -> card.count() == 0).toList());
        return "console/home";
    }
}
