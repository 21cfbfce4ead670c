using System.Net;
using System.Text.Json;

namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>Asserts an ESPv2-shaped error response.</summary>
internal static class ErrorAssert
{
    public static async Task IsAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument json = JsonDocument.Parse(body);
        Assert.Equal((int)status, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal(message, json.RootElement.GetProperty("message").GetString());
    }
}
