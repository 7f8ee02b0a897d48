package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The API of the signed-in user's known devices ({@link MyDevices}). */
@RestController
@Validated
class MyDevicesController {

    private final MyDevices devices;

    MyDevicesController(MyDevices devices) {
        this.devices = devices;
    }

    @GetMapping("/api/v1/me/devices")
    public Page<MyDevices.DeviceView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        return devices.list(caller, page, size);
    }

    @GetMapping("/api/v1/me/devices/{id}")
    public MyDevices.DeviceView get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return devices.get(caller, id);
    }

    @DeleteMapping("/api/v1/me/devices/{id}")
    public ResponseEntity<Void> forget(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Origin origin) {
        devices.forget(caller, id, origin);
        return ResponseEntity.noContent().build();
    }
}
