using System;
public class Notificação
{
    var url = "https://graph.microsoft.com/v1.0/users/" + upn + "/sendMail";
}
